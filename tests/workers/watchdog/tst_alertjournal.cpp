// The on-disk alert journal: written at detection, read back at the next launch, bounded.
#include "workers/watchdog/alertjournal.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace Taskscope::Model;
using namespace Taskscope::Watchdog;

class TestAlertJournal final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void endedAlertReadsBackAsEnded();
    void unfinishedAlertOfAGoneProcessWasKilled();
    void unfinishedAlertOfARunningProcessIsNotReported();
    void ownSessionIsNotPrevious();
    void brokenLinesAreSkippedAndCounted_data();
    void brokenLinesAreSkippedAndCounted();
    void sizeStaysBounded();
    void unwritablePathIsAClearError();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString path() const { return m_dir->filePath(QStringLiteral("j/journal.jsonl")); }
};

namespace {

AlertRecord alert(quint32 id, qint64 durationNs = 300'000'000)
{
    AlertRecord r;
    r.id = id;
    r.verdict = AlertVerdict::LongDispatch;
    r.tier = AlertTier::Hang;
    r.startNs = 1000;
    r.durationNs = durationNs;
    r.startWallMs = 1'700'000'000'000 + id;
    r.culprit = QStringLiteral("span 'load'");
    return r;
}

// Writes a journal line as another process would have.
void appendForeign(const QString &path, const QString &session, qint64 pid, quint64 processStart, const QString &op,
                   const AlertRecord &record)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::Append));
    const QJsonObject line {
        {QStringLiteral("v"), 1},
        {QStringLiteral("op"), op},
        {QStringLiteral("session"), session},
        {QStringLiteral("pid"), pid},
        {QStringLiteral("procStart"), QString::number(processStart)},
        {QStringLiteral("alert"), record.toJson()},
    };
    file.write(QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n');
}

} // namespace

void TestAlertJournal::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestAlertJournal::endedAlertReadsBackAsEnded()
{
    {
        AlertJournal journal(path(), QStringLiteral("earlier"));
        QVERIFY(journal.open());
        AlertRecord r = alert(1);
        QVERIFY(journal.append(AlertJournal::Op::Start, r));
        r.tier = AlertTier::Severe;
        r.durationNs = 1'500'000'000;
        QVERIFY(journal.append(AlertJournal::Op::Update, r));
        r.end = AlertEnd::Recovered;
        r.durationNs = 1'700'000'000;
        QVERIFY(journal.append(AlertJournal::Op::End, r));
    }
    AlertJournal next(path(), QStringLiteral("now"));
    const QList<AlertRecord> previous = next.loadPreviousSessions();
    QCOMPARE(previous.size(), 1);
    QCOMPARE(previous.first().end, AlertEnd::Recovered);
    QCOMPARE(previous.first().tier, AlertTier::Severe);
    QCOMPARE(previous.first().durationNs, 1'700'000'000);
    QVERIFY(previous.first().previousSession);
}

void TestAlertJournal::unfinishedAlertOfAGoneProcessWasKilled()
{
    QVERIFY(QDir().mkpath(QFileInfo(path()).absolutePath()));
    // pid_max is at most 2^22: this pid cannot be running.
    appendForeign(path(), QStringLiteral("killed"), 1 << 23, 12345, QStringLiteral("start"), alert(3, 260'000'000));
    appendForeign(path(), QStringLiteral("killed"), 1 << 23, 12345, QStringLiteral("update"), alert(3, 2'000'000'000));
    AlertJournal next(path(), QStringLiteral("now"));
    const QList<AlertRecord> previous = next.loadPreviousSessions();
    QCOMPARE(previous.size(), 1);
    QCOMPARE(previous.first().end, AlertEnd::KilledWhileHung);
    QCOMPARE(previous.first().durationNs, 2'000'000'000); // the last duration it wrote
    QVERIFY(previous.first().notes.join(u' ').contains(u"killed"));
    // Marked in the file: a later launch reads it as ended history, still killed.
    AlertJournal later(path(), QStringLiteral("later"));
    const QList<AlertRecord> again = later.loadPreviousSessions();
    QCOMPARE(again.size(), 1);
    QCOMPARE(again.first().end, AlertEnd::KilledWhileHung);
    QFile file(path());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll().count("\"op\":\"end\""), qsizetype(1));
}

void TestAlertJournal::unfinishedAlertOfARunningProcessIsNotReported()
{
    QVERIFY(QDir().mkpath(QFileInfo(path()).absolutePath()));
    // Another instance still running (this very process, under another session id).
    appendForeign(path(), QStringLiteral("alive"), qint64(getpid()), AlertJournal::processStartTime(getpid()),
                  QStringLiteral("start"), alert(4));
    AlertJournal next(path(), QStringLiteral("now"));
    QCOMPARE(next.loadPreviousSessions().size(), 0);
}

void TestAlertJournal::ownSessionIsNotPrevious()
{
    AlertJournal journal(path(), QStringLiteral("now"));
    QVERIFY(journal.open());
    QVERIFY(journal.append(AlertJournal::Op::Start, alert(5)));
    QCOMPARE(journal.loadPreviousSessions().size(), 0);
}

void TestAlertJournal::brokenLinesAreSkippedAndCounted_data()
{
    QTest::addColumn<QByteArray>("garbage");
    QTest::newRow("a line cut by a kill") << QByteArray("{\"v\":1,\"op\":\"start\",\"sess");
    QTest::newRow("not json") << QByteArray("hello\n");
    QTest::newRow("another version") << QByteArray("{\"v\":9,\"op\":\"start\",\"alert\":{}}\n");
    QTest::newRow("not an alert") << QByteArray("{\"v\":1,\"op\":\"start\",\"session\":\"x\",\"alert\":{\"id\":1}}\n");
}

void TestAlertJournal::brokenLinesAreSkippedAndCounted()
{
    QFETCH(QByteArray, garbage);
    {
        AlertJournal journal(path(), QStringLiteral("earlier"));
        QVERIFY(journal.open());
        AlertRecord r = alert(6);
        r.end = AlertEnd::Recovered;
        QVERIFY(journal.append(AlertJournal::Op::End, r));
    }
    QFile file(path());
    QVERIFY(file.open(QIODevice::Append));
    file.write(garbage);
    file.close();
    AlertJournal next(path(), QStringLiteral("now"));
    const QList<AlertRecord> previous = next.loadPreviousSessions();
    QCOMPARE(previous.size(), 1);
    QCOMPARE(previous.first().id, 6u);
    QCOMPARE(next.skippedLines(), 1u);
}

void TestAlertJournal::sizeStaysBounded()
{
    const qint64 cap = 16 * 1024;
    AlertJournal journal(path(), QStringLiteral("busy"), cap);
    QVERIFY(journal.open());
    for (quint32 id = 1; id <= 300; ++id) {
        AlertRecord r = alert(id);
        QVERIFY(journal.append(AlertJournal::Op::Start, r));
        r.end = AlertEnd::Recovered;
        QVERIFY(journal.append(AlertJournal::Op::End, r));
    }
    QVERIFY(QFileInfo(path()).size() <= cap);
    QVERIFY(journal.compactions() > 0);
    AlertJournal next(path(), QStringLiteral("now"));
    const QList<AlertRecord> previous = next.loadPreviousSessions();
    QVERIFY(!previous.isEmpty());
    QCOMPARE(previous.last().id, 300u); // the newest survive
    QCOMPARE(previous.last().end, AlertEnd::Recovered);
}

void TestAlertJournal::unwritablePathIsAClearError()
{
    AlertJournal journal(QStringLiteral("/proc/taskscope-no-such-dir/journal.jsonl"), QStringLiteral("now"));
    QString error;
    QVERIFY(!journal.open(&error));
    QVERIFY(!error.isEmpty());
    QVERIFY(!journal.append(AlertJournal::Op::Start, alert(1)));
    QCOMPARE(journal.failedWrites(), 1u);
}

QTEST_GUILESS_MAIN(TestAlertJournal)
#include "tst_alertjournal.moc"
