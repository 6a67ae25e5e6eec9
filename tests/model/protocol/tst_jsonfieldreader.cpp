// The one way JSON fields are read: every failure names the field's full path and both sides of the
// mismatch, the first failure wins, and absent optional fields keep the caller's value.
#include "model/protocol/jsonfieldreader.h"

#include <QJsonDocument>
#include <QTest>

using Taskscope::Protocol::FieldError;
using Taskscope::Protocol::JsonFieldReader;

namespace {

enum class Colour { Red, Green };
constexpr std::array<std::pair<Colour, const char *>, 2> Colours {{{Colour::Red, "red"}, {Colour::Green, "green"}}};

QJsonObject objectOf(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

// Reads every kind of field of {"s", "b", "n", "i", "c", "o", "a", "l"} under the path "root".
FieldError readAll(const QByteArray &json, JsonFieldReader::Null null)
{
    FieldError error;
    JsonFieldReader r(objectOf(json), QStringLiteral("root"), &error, null);
    QString s;
    bool b = false;
    double n = 0;
    int i = 0;
    Colour c = Colour::Red;
    QJsonObject o;
    QJsonArray a;
    QList<int> l;
    r.rejectUnknown({"s", "b", "n", "i", "c", "o", "a", "l"}) && r.string("s", &s) && r.boolean("b", &b)
        && r.number("n", 0, 10, &n) && r.integer("i", 1, 5, &i) && r.oneOf("c", Colours, &c) && r.object("o", &o)
        && r.array("a", &a) && r.integerList("l", &l);
    return error;
}

} // namespace

class tst_JsonFieldReader : public QObject
{
    Q_OBJECT

private slots:
    void failuresNameThePathAndBothSides_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("message");
        QTest::newRow("all valid") << QByteArray(R"({"s":"x","b":true,"n":2.5,"i":3,"c":"GREEN","l":[1,2]})")
                                   << QString() << QString();
        QTest::newRow("nothing given") << QByteArray("{}") << QString() << QString();
        QTest::newRow("unknown key") << QByteArray(R"({"z":1})") << QStringLiteral("root.z")
                                     << QStringLiteral("root.z is not a known field (known: a, b, c, i, l, n, o, s)");
        QTest::newRow("string as number") << QByteArray(R"({"s":5})") << QStringLiteral("root.s")
                                          << QStringLiteral("root.s is a number, expected a string");
        QTest::newRow("boolean as string") << QByteArray(R"({"b":"yes"})") << QStringLiteral("root.b")
                                           << QStringLiteral("root.b is a string, expected a boolean (true or false)");
        QTest::newRow("number out of range") << QByteArray(R"({"n":11})") << QStringLiteral("root.n")
                                             << QStringLiteral("root.n is 11, expected a number between 0 and 10");
        QTest::newRow("integer with a fraction")
            << QByteArray(R"({"i":2.5})") << QStringLiteral("root.i")
            << QStringLiteral("root.i is 2.5, expected an integer between 1 and 5");
        QTest::newRow("integer far out of range")
            << QByteArray(R"({"i":1e300})") << QStringLiteral("root.i")
            << QStringLiteral("root.i is 1e+300, expected an integer between 1 and 5");
        QTest::newRow("unknown name") << QByteArray(R"({"c":"blue"})") << QStringLiteral("root.c")
                                      << QStringLiteral("root.c is \"blue\", expected one of red, green");
        QTest::newRow("object as array") << QByteArray(R"({"o":[]})") << QStringLiteral("root.o")
                                         << QStringLiteral("root.o is an array, expected an object");
        QTest::newRow("list item not an integer") << QByteArray(R"({"l":[1,"2"]})") << QStringLiteral("root.l[1]")
                                                  << QStringLiteral("root.l[1] is a string, expected an integer");
        QTest::newRow("first failure wins") << QByteArray(R"({"s":1,"b":2})") << QStringLiteral("root.s")
                                            << QStringLiteral("root.s is a number, expected a string");
        QTest::newRow("null is a wrong type") << QByteArray(R"({"s":null})") << QStringLiteral("root.s")
                                              << QStringLiteral("root.s is null, expected a string");
    }

    void failuresNameThePathAndBothSides()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, path);
        QFETCH(QString, message);
        const FieldError error = readAll(json, JsonFieldReader::Null::IsWrongType);
        QCOMPARE(error.path, path);
        QCOMPARE(error.toString(), message);
    }

    void nullIsAbsentWhenTheProtocolSaysSo()
    {
        const FieldError error = readAll(R"({"s":null,"b":null,"n":null,"o":null})", JsonFieldReader::Null::IsAbsent);
        QVERIFY2(error.isEmpty(), qPrintable(error.toString()));
    }

    void requiredFieldsAreMissingByName()
    {
        FieldError error;
        JsonFieldReader r(objectOf(R"({"inner":{}})"), QString(), &error);
        QJsonObject inner;
        QVERIFY(r.object("inner", &inner));
        QString text;
        QVERIFY(!r.nested(inner, QStringLiteral("inner")).string("text", &text, JsonFieldReader::Need::Required));
        QCOMPARE(error.toString(), QStringLiteral("inner.text is missing, expected a string"));
        // Once failed, every later read fails too (reads chain with &&).
        bool flag = false;
        QVERIFY(!r.boolean("flag", &flag));
    }

    void absentFieldsKeepTheCallersValue()
    {
        FieldError error;
        JsonFieldReader r(QJsonObject(), QString(), &error);
        int count = 7;
        QVERIFY(r.integer("count", 1, 10, &count));
        QCOMPARE(count, 7);
        QVERIFY(error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_JsonFieldReader)
#include "tst_jsonfieldreader.moc"
