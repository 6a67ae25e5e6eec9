#pragma once

#include "model/appsettings.h"

#include <QPalette>

namespace Taskscope::Ui {

/// The application's look: the Fusion style with a light, dark or the system's palette.
class AppTheme final
{
public:
    AppTheme() = delete;

    /// Sets the application's style and palette. Cheapest before any window exists.
    static void apply(Model::AppSettings::Theme theme);
    static QPalette darkPalette();
    static QPalette lightPalette();
};

} // namespace Taskscope::Ui
