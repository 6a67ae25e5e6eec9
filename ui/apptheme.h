#pragma once

#include "model/appsettings.h"

#include <QPalette>

/// The application's look: the Fusion style with a light, dark or the system's palette.
class AppTheme final
{
public:
    AppTheme() = delete;

    /// Sets the application's style and palette. Cheapest before any window exists.
    static void apply(AppSettings::Theme theme);
    static QPalette darkPalette();
    static QPalette lightPalette();
};
