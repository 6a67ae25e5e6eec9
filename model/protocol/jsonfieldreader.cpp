#include "model/protocol/jsonfieldreader.h"

#include "model/protocol/jsontypename.h"

#include <QJsonValue>

#include <cmath>
#include <limits>

namespace Taskscope::Protocol {

namespace {

// Larger magnitudes lose integer precision in a double (and qint64(d) is undefined past 2^63).
constexpr double MaxExactInteger = 9.0e15;

QString numberText(double d)
{
    return QString::number(d, 'g', 12);
}

bool isInteger(double d)
{
    return std::isfinite(d) && d == std::floor(d) && std::abs(d) <= MaxExactInteger;
}

} // namespace

JsonFieldReader::JsonFieldReader(const QJsonObject &object, QString path, FieldError *error, Null null)
    : m_object(object)
    , m_path(std::move(path))
    , m_error(error)
    , m_null(null)
{
}

JsonFieldReader JsonFieldReader::nested(const QJsonObject &object, const QString &key) const
{
    return JsonFieldReader(object, key.startsWith(u'[') ? m_path + key : pathOf(key), m_error, m_null);
}

QString JsonFieldReader::pathOf(const QString &key) const
{
    if (key.isEmpty())
        return m_path;
    return m_path.isEmpty() ? key : m_path + u'.' + key;
}

bool JsonFieldReader::fail(const QString &key, const QString &problem)
{
    if (ok())
        *m_error = FieldError {pathOf(key), problem};
    return false;
}

bool JsonFieldReader::rejectUnknown(const QSet<QString> &known)
{
    for (auto it = m_object.begin(); it != m_object.end() && ok(); ++it) {
        if (known.contains(it.key()))
            continue;
        QStringList names(known.begin(), known.end());
        names.sort();
        return fail(it.key(), QStringLiteral("is not a known field (known: %1)").arg(names.join(QStringLiteral(", "))));
    }
    return ok();
}

bool JsonFieldReader::present(const char *key, QJsonValue *value, Need need, const char *expected)
{
    if (!ok())
        return false;
    *value = m_object.value(QLatin1StringView(key));
    const bool absent = value->isUndefined() || (m_null == Null::IsAbsent && value->isNull());
    if (!absent)
        return true;
    if (need == Need::Required)
        wrongType(key, *value, expected);
    return false;
}

bool JsonFieldReader::read(const char *key, Need need, const char *expected, bool (QJsonValue::*isType)() const,
                           const std::function<bool(const QJsonValue &)> &take)
{
    QJsonValue v;
    if (!present(key, &v, need, expected))
        return ok();
    if (!(v.*isType)())
        return wrongType(key, v, expected);
    return take(v);
}

bool JsonFieldReader::outOfRange(const char *key, double value, QByteArrayView expected)
{
    return fail(QLatin1StringView(key),
                QStringLiteral("is %1, expected %2").arg(numberText(value), QString::fromUtf8(expected)));
}

bool JsonFieldReader::wrongType(const char *key, const QJsonValue &value, const char *expected)
{
    return fail(QLatin1StringView(key),
                QStringLiteral("is %1, expected %2").arg(jsonTypeName(value), QLatin1StringView(expected)));
}

bool JsonFieldReader::string(const char *key, QString *out, Need need)
{
    return read(key, need, "a string", &QJsonValue::isString, [out](const QJsonValue &v) {
        *out = v.toString();
        return true;
    });
}

bool JsonFieldReader::boolean(const char *key, bool *out, Need need)
{
    return read(key, need, "a boolean (true or false)", &QJsonValue::isBool, [out](const QJsonValue &v) {
        *out = v.toBool();
        return true;
    });
}

bool JsonFieldReader::number(const char *key, double *out, Need need)
{
    return read(key, need, "a number", &QJsonValue::isDouble, [out](const QJsonValue &v) {
        *out = v.toDouble();
        return true;
    });
}

bool JsonFieldReader::number(const char *key, double lo, double hi, double *out, Need need)
{
    const QByteArray expected = QStringLiteral("a number between %1 and %2").arg(lo).arg(hi).toUtf8();
    return read(key, need, expected.constData(), &QJsonValue::isDouble, [&](const QJsonValue &v) {
        const double d = v.toDouble();
        if (!std::isfinite(d) || d < lo || d > hi)
            return outOfRange(key, d, expected);
        *out = d;
        return true;
    });
}

bool JsonFieldReader::integer(const char *key, qint64 *out, Need need)
{
    return read(key, need, "an integer", &QJsonValue::isDouble, [&](const QJsonValue &v) {
        const double d = v.toDouble();
        if (!isInteger(d))
            return outOfRange(key, d, "an integer");
        *out = qint64(d);
        return true;
    });
}

bool JsonFieldReader::integer(const char *key, int *out, Need need)
{
    qint64 wide = *out;
    if (!integer(key, &wide, need))
        return false;
    if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max())
        return outOfRange(key, double(wide), "a 32-bit integer");
    *out = int(wide);
    return true;
}

bool JsonFieldReader::integer(const char *key, qint64 lo, qint64 hi, qint64 *out, Need need)
{
    const QByteArray expected = QStringLiteral("an integer between %1 and %2").arg(lo).arg(hi).toUtf8();
    return read(key, need, expected.constData(), &QJsonValue::isDouble, [&](const QJsonValue &v) {
        // The range before the conversion: converting a double outside qint64 is undefined behaviour.
        const double d = v.toDouble();
        if (!isInteger(d) || d < double(lo) || d > double(hi))
            return outOfRange(key, d, expected);
        *out = qint64(d);
        return true;
    });
}

bool JsonFieldReader::integer(const char *key, int lo, int hi, int *out, Need need)
{
    qint64 wide = *out;
    if (!integer(key, qint64(lo), qint64(hi), &wide, need))
        return false;
    *out = int(wide);
    return true;
}

bool JsonFieldReader::integerList(const char *key, QList<int> *out)
{
    QJsonValue v;
    if (!present(key, &v, Need::Optional, "an array of integers"))
        return ok();
    if (!v.isArray())
        return wrongType(key, v, "an array of integers");
    const QJsonArray array = v.toArray();
    out->clear();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonValue item = array.at(i);
        const double d = item.toDouble(std::numeric_limits<double>::quiet_NaN());
        const QString itemKey = QLatin1StringView(key) + QStringLiteral("[%1]").arg(i);
        if (!item.isDouble())
            return fail(itemKey, QStringLiteral("is %1, expected an integer").arg(jsonTypeName(item)));
        if (!isInteger(d) || std::abs(d) > std::numeric_limits<int>::max())
            return fail(itemKey, QStringLiteral("is %1, expected an integer").arg(numberText(d)));
        out->append(int(d));
    }
    return true;
}

bool JsonFieldReader::object(const char *key, QJsonObject *out, bool *present, Need need)
{
    if (present)
        *present = false;
    return read(key, need, "an object", &QJsonValue::isObject, [out, present](const QJsonValue &v) {
        *out = v.toObject();
        if (present)
            *present = true;
        return true;
    });
}

bool JsonFieldReader::array(const char *key, QJsonArray *out, Need need)
{
    return read(key, need, "an array", &QJsonValue::isArray, [out](const QJsonValue &v) {
        *out = v.toArray();
        return true;
    });
}

} // namespace Taskscope::Protocol
