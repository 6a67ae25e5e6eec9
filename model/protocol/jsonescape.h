#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <string>

namespace Taskscope::Protocol {

/// Writing JSON by hand where a QJsonDocument would cost too much (trace export, token streams).
namespace JsonEscape {

/// Appends `utf8` to `out` as the inside of a JSON string literal: quotes, backslashes and control
/// characters escaped, everything else (UTF-8 included) as it is.
void append(std::string &out, QByteArrayView utf8);
void append(QByteArray &out, QByteArrayView utf8);

} // namespace JsonEscape

} // namespace Taskscope::Protocol
