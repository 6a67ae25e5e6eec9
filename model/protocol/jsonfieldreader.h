#pragma once

#include "model/protocol/fielderror.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <array>
#include <functional>
#include <utility>

namespace Taskscope::Protocol {

/// Reads typed fields of one JSON object and records the first failure as a FieldError with the
/// field's full path. Every read returns false once a failure is recorded (this one or an earlier
/// one, also of another reader sharing the error), so reads chain with && and a caller checks once.
///
/// Absent optional fields keep the caller's value. Null counts as absent only when the reader is
/// told so (protocols send null for "no value"; a hand-written file that says null meant something
/// else). Problems read "is <what it is>, expected <what it must be>", the wording of every parser
/// here, so a message names the field and both sides of the mismatch.
class JsonFieldReader final
{
public:
    enum class Need { Optional, Required };
    enum class Null { IsWrongType, IsAbsent };

    JsonFieldReader(const QJsonObject &object, QString path, FieldError *error, Null null = Null::IsWrongType);

    /// A reader for a nested object, sharing this one's error; `path` is relative ("trace", "[2]").
    JsonFieldReader nested(const QJsonObject &object, const QString &key) const;

    bool ok() const { return m_error->isEmpty(); }
    const QJsonObject &object() const { return m_object; }
    QString pathOf(const QString &key) const;
    /// Records `problem` for `key` (or for the object itself when key is empty) unless a failure is
    /// already recorded; always false.
    bool fail(const QString &key, const QString &problem);

    /// Every key must be one of `known`.
    bool rejectUnknown(const QSet<QString> &known);

    bool string(const char *key, QString *out, Need need = Need::Optional);
    bool boolean(const char *key, bool *out, Need need = Need::Optional);
    bool number(const char *key, double *out, Need need = Need::Optional);
    bool number(const char *key, double lo, double hi, double *out, Need need = Need::Optional);
    bool integer(const char *key, qint64 *out, Need need = Need::Optional);
    bool integer(const char *key, int *out, Need need = Need::Optional);
    bool integer(const char *key, qint64 lo, qint64 hi, qint64 *out, Need need = Need::Optional);
    bool integer(const char *key, int lo, int hi, int *out, Need need = Need::Optional);
    bool integerList(const char *key, QList<int> *out);
    /// *present says whether the object was there (absent is fine unless required).
    bool object(const char *key, QJsonObject *out, bool *present = nullptr, Need need = Need::Optional);
    bool array(const char *key, QJsonArray *out, Need need = Need::Optional);

    /// A string that must name one entry of `table` (case-insensitive).
    template<typename Enum, std::size_t N>
    bool oneOf(const char *key, const std::array<std::pair<Enum, const char *>, N> &table, Enum *out,
               Need need = Need::Optional)
    {
        QStringList names;
        for (const auto &entry : table)
            names.append(QString::fromLatin1(entry.second));
        const QByteArray expected = (QStringLiteral("one of ") + names.join(QStringLiteral(", "))).toUtf8();
        QJsonValue v;
        if (!present(key, &v, need, expected.constData()))
            return ok();
        if (!v.isString())
            return wrongType(key, v, expected.constData());
        const QString text = v.toString();
        for (const auto &[value, name] : table) {
            if (text.compare(QLatin1StringView(name), Qt::CaseInsensitive) == 0) {
                *out = value;
                return true;
            }
        }
        return fail(QLatin1StringView(key),
                    QStringLiteral("is \"%1\", expected %2").arg(text, QString::fromUtf8(expected)));
    }

private:
    /// The value of `key`, or nothing when it is absent (and optional) or a failure was recorded.
    bool present(const char *key, QJsonValue *value, Need need, const char *expected);
    bool wrongType(const char *key, const QJsonValue &value, const char *expected);
    bool outOfRange(const char *key, double value, QByteArrayView expected);
    /// The shape of every typed read: absent -> keep, wrong type -> fail, else `take` it.
    bool read(const char *key, Need need, const char *expected, bool (QJsonValue::*isType)() const,
              const std::function<bool(const QJsonValue &)> &take);

    QJsonObject m_object;
    QString m_path;
    FieldError *m_error;
    Null m_null;
};

} // namespace Taskscope::Protocol
