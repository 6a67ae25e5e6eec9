#pragma once

#include <QJsonValue>
#include <QLatin1StringView>

namespace Taskscope::Protocol {

/// How an error message names a JSON value's type: "a string", "null", "missing".
inline QLatin1StringView jsonTypeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QLatin1StringView("null");
    case QJsonValue::Bool:
        return QLatin1StringView("a boolean");
    case QJsonValue::Double:
        return QLatin1StringView("a number");
    case QJsonValue::String:
        return QLatin1StringView("a string");
    case QJsonValue::Array:
        return QLatin1StringView("an array");
    case QJsonValue::Object:
        return QLatin1StringView("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QLatin1StringView("missing");
}

} // namespace Taskscope::Protocol
