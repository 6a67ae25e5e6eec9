// Starting and stopping from the stream panel with real input: the right WorkloadSpec and task ids.
#include "model/tasklistmodel.h"
#include "ui/streampanel.h"

#include <QAbstractButton>
#include <QButtonGroup>
#include <QComboBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTest>

using namespace Taskscope::Model;
using namespace Taskscope::Ui;

using Taskscope::Protocol::FieldError;

class TestStreamPanel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void startEmitsTheFormsSpec_data();
    void startEmitsTheFormsSpec();
    void badUrlIsRefusedWithAMessage();
    void audioSourcesComeFromTheirSources();
    void noSampleBundledIsAClearError();
    void stopSendsSelectedActiveTasks();
    void stopAllEmits();
    void comparesExactlyTwoSelectedTasks();
    void setSpecFillsTheForm();
    void loopForIsPartOfTheSpec();
    void anotherUrlStartsFromTheWorkloadsService_data();
    void anotherUrlStartsFromTheWorkloadsService();
    void aTypedUrlIsKept();

private:
    void chooseWorkload(WorkloadKind kind);
    void typeInto(QWidget *widget, const QString &text);

    std::unique_ptr<StreamPanel> m_panel;
    std::unique_ptr<TaskListModel> m_tasks;
};

void TestStreamPanel::init()
{
    m_tasks = std::make_unique<TaskListModel>();
    m_panel = std::make_unique<StreamPanel>();
    m_panel->setSamples({QStringLiteral(":/speech/hello-world.wav"), QStringLiteral(":/speech/weather.wav")});
    m_panel->setTaskModel(m_tasks.get());
    m_panel->resize(420, 700);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
}

void TestStreamPanel::cleanup()
{
    m_panel.reset();
    m_tasks.reset();
}

void TestStreamPanel::chooseWorkload(WorkloadKind kind)
{
    // With the keyboard, like a user: focus the combo and step to the entry.
    QComboBox *box = m_panel->workloadBox();
    box->setFocus();
    QTest::keyClick(box, Qt::Key_Home);
    for (int i = 0; i < box->count() && box->currentData().toInt() != int(kind); ++i)
        QTest::keyClick(box, Qt::Key_Down);
    QCOMPARE(box->currentData().toInt(), int(kind));
}

void TestStreamPanel::typeInto(QWidget *widget, const QString &text)
{
    widget->setFocus();
    QTest::keyClick(widget, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(widget, Qt::Key_Delete);
    QTest::keyClicks(widget, text);
}

void TestStreamPanel::startEmitsTheFormsSpec_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("model");
    QTest::addColumn<QString>("count");
    QTest::addColumn<QString>("chunk");
    QTest::addColumn<QString>("url");
    QTest::newRow("live transcription in threads, 4 streams of 40 ms chunks")
        << int(WorkloadKind::LiveTranscription) << int(ExecutionModel::Thread) << QStringLiteral("4")
        << QStringLiteral("40") << QString();
    QTest::newRow("token stream as coroutines against another service")
        << int(WorkloadKind::ChatStream) << int(ExecutionModel::Coroutine) << QStringLiteral("16") << QString()
        << QStringLiteral("http://127.0.0.1:8099");
    QTest::newRow("a blocking command on the UI thread")
        << int(WorkloadKind::Command) << int(ExecutionModel::Blocking) << QStringLiteral("1") << QString() << QString();
    QTest::newRow("request burst offloaded") << int(WorkloadKind::RequestBurst) << int(ExecutionModel::Offload)
                                             << QStringLiteral("2") << QString() << QString();
}

void TestStreamPanel::startEmitsTheFormsSpec()
{
    QFETCH(int, kind);
    QFETCH(int, model);
    QFETCH(QString, count);
    QFETCH(QString, chunk);
    QFETCH(QString, url);
    QSignalSpy spy(m_panel.get(), &StreamPanel::startRequested);
    chooseWorkload(WorkloadKind(kind));
    QTest::mouseClick(m_panel->modelButtons()->button(model), Qt::LeftButton);
    typeInto(m_panel->countBox(), count);
    if (!chunk.isEmpty())
        typeInto(m_panel->chunkBox(), chunk);
    if (!url.isEmpty()) {
        m_panel->endpointBox()->setCurrentIndex(1);
        QVERIFY(m_panel->urlEdit()->isVisibleTo(m_panel.get()));
        typeInto(m_panel->urlEdit(), url);
    }
    QTest::mouseClick(m_panel->startButton(), Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    const auto spec = spy.at(0).at(0).value<WorkloadSpec>();
    QCOMPARE(int(spec.kind), kind);
    QCOMPARE(int(spec.model), model);
    QCOMPARE(spec.count, count.toInt());
    if (!chunk.isEmpty())
        QCOMPARE(spec.chunkMs, chunk.toInt());
    QCOMPARE(spec.baseUrl, QUrl(url));
    // The spec survives its own JSON round trip (what scenarios and the headless runner use).
    FieldError error;
    const WorkloadSpec back = WorkloadSpec::fromJson(spec.toJson(), &error).value_or(WorkloadSpec());
    QVERIFY2(error.isEmpty(), qPrintable(error.toString()));
    QCOMPARE(int(back.kind), kind);
    QCOMPARE(back.count, spec.count);
}

void TestStreamPanel::badUrlIsRefusedWithAMessage()
{
    QSignalSpy spy(m_panel.get(), &StreamPanel::startRequested);
    m_panel->endpointBox()->setCurrentIndex(1);
    typeInto(m_panel->urlEdit(), QStringLiteral("not a url"));
    QTest::mouseClick(m_panel->startButton(), Qt::LeftButton);
    QCOMPARE(spy.count(), 0);
    QVERIFY(m_panel->statusMessage().contains(QStringLiteral("URL")));
    typeInto(m_panel->urlEdit(), QStringLiteral("ftp://example.org"));
    QTest::mouseClick(m_panel->startButton(), Qt::LeftButton);
    QCOMPARE(spy.count(), 0);
}

void TestStreamPanel::audioSourcesComeFromTheirSources()
{
    QSignalSpy spy(m_panel.get(), &StreamPanel::startRequested);
    chooseWorkload(WorkloadKind::LiveTranscription);
    QComboBox *audio = m_panel->audioBox();
    // Samples first, by name.
    audio->setCurrentIndex(1);
    QTest::mouseClick(m_panel->startButton(), Qt::LeftButton);
    QCOMPARE(spy.last().at(0).value<WorkloadSpec>().source, AudioSourceKind::Sample);
    QCOMPARE(spy.last().at(0).value<WorkloadSpec>().audio, QStringLiteral("weather"));
    // A microphone the app found.
    m_panel->setAudioInputs({QStringLiteral("USB headset")});
    audio->setCurrentIndex(audio->findText(QStringLiteral("Microphone: USB headset")));
    QTest::mouseClick(m_panel->startButton(), Qt::LeftButton);
    QCOMPARE(spy.last().at(0).value<WorkloadSpec>().source, AudioSourceKind::Microphone);
    QCOMPARE(spy.last().at(0).value<WorkloadSpec>().audio, QStringLiteral("USB headset"));
    // A file (what the file dialog hands over).
    m_panel->setAudioFile(QStringLiteral("/tmp/my speech.wav"));
    QTest::mouseClick(m_panel->startButton(), Qt::LeftButton);
    QCOMPARE(spy.last().at(0).value<WorkloadSpec>().source, AudioSourceKind::File);
    QCOMPARE(spy.last().at(0).value<WorkloadSpec>().audio, QStringLiteral("/tmp/my speech.wav"));
    // A tone.
    audio->setCurrentIndex(audio->findText(QStringLiteral("Tone (440 Hz sine)")));
    QTest::mouseClick(m_panel->startButton(), Qt::LeftButton);
    QCOMPARE(spy.last().at(0).value<WorkloadSpec>().source, AudioSourceKind::Tone);
    QCOMPARE(spy.count(), 4);
}

void TestStreamPanel::noSampleBundledIsAClearError()
{
    m_panel->setSamples({});
    chooseWorkload(WorkloadKind::LiveTranscription);
    QSignalSpy spy(m_panel.get(), &StreamPanel::startRequested);
    // With no samples the first entry is the tone: that works.
    QTest::mouseClick(m_panel->startButton(), Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.last().at(0).value<WorkloadSpec>().source, AudioSourceKind::Tone);
}

void TestStreamPanel::stopSendsSelectedActiveTasks()
{
    QSignalSpy stop(m_panel.get(), &StreamPanel::stopRequested);
    for (quint64 id : {11ull, 12ull, 13ull}) {
        TaskRow row;
        row.id = id;
        row.label = QStringLiteral("task %1").arg(id);
        row.status = TaskRow::Status::Running;
        m_tasks->addTask(row);
    }
    m_tasks->setStatus(12, TaskRow::Status::Finished, 5);
    QVERIFY(!m_panel->stopButton()->isEnabled());
    QVERIFY(m_panel->stopAllButton()->isEnabled());
    QTableView *view = m_panel->taskView();
    const auto clickRow = [view](int row, Qt::KeyboardModifiers modifiers = {}) {
        const QRect cell = view->visualRect(view->model()->index(row, TaskListModel::TaskColumn));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, modifiers, cell.center());
    };
    clickRow(1); // the finished one
    QVERIFY(!m_panel->stopButton()->isEnabled());
    clickRow(2, Qt::ControlModifier);
    QVERIFY(m_panel->stopButton()->isEnabled());
    clickRow(0, Qt::ControlModifier);
    QTest::mouseClick(m_panel->stopButton(), Qt::LeftButton);
    QCOMPARE(stop.count(), 2);
    QList<quint64> ids {stop.at(0).at(0).toULongLong(), stop.at(1).at(0).toULongLong()};
    std::sort(ids.begin(), ids.end());
    QCOMPARE(ids, (QList<quint64> {11, 13}));
}

void TestStreamPanel::comparesExactlyTwoSelectedTasks()
{
    QSignalSpy compare(m_panel.get(), &StreamPanel::compareRequested);
    for (quint64 id : {21ull, 22ull, 23ull}) {
        TaskRow row;
        row.id = id;
        row.label = QStringLiteral("batch %1").arg(id);
        row.status = TaskRow::Status::Finished;
        m_tasks->addTask(row);
    }
    QTableView *view = m_panel->taskView();
    const auto clickRow = [view](int row, Qt::KeyboardModifiers modifiers = {}) {
        const QRect cell = view->visualRect(view->model()->index(row, TaskListModel::TaskColumn));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, modifiers, cell.center());
    };
    QVERIFY(!m_panel->compareButton()->isEnabled());
    clickRow(2);
    QVERIFY(!m_panel->compareButton()->isEnabled()); // one is not a comparison
    clickRow(0, Qt::ControlModifier);
    QVERIFY(m_panel->compareButton()->isEnabled());
    QTest::mouseClick(m_panel->compareButton(), Qt::LeftButton);
    QCOMPARE(compare.count(), 1);
    // The earlier task is run A, whatever the order of the clicks.
    QCOMPARE(compare.at(0).at(0).toULongLong(), 21ull);
    QCOMPARE(compare.at(0).at(1).toULongLong(), 23ull);
    clickRow(1, Qt::ControlModifier);
    QVERIFY(!m_panel->compareButton()->isEnabled()); // three are not either
}

void TestStreamPanel::stopAllEmits()
{
    QSignalSpy spy(m_panel.get(), &StreamPanel::stopAllRequested);
    TaskRow row;
    row.id = 1;
    row.status = TaskRow::Status::Running;
    m_tasks->addTask(row);
    QTest::mouseClick(m_panel->stopAllButton(), Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    m_tasks->setStatus(1, TaskRow::Status::Stopped, 10);
    QVERIFY(!m_panel->stopAllButton()->isEnabled());
}

void TestStreamPanel::setSpecFillsTheForm()
{
    WorkloadSpec spec;
    spec.kind = WorkloadKind::LiveTranscription;
    spec.model = ExecutionModel::Offload;
    spec.count = 7;
    spec.chunkMs = 100;
    spec.source = AudioSourceKind::Sample;
    spec.audio = QStringLiteral("weather");
    spec.baseUrl = QUrl(QStringLiteral("wss://api.deepgram.com"));
    spec.durationS = 120;
    m_panel->setSpec(spec);
    QCOMPARE(m_panel->loopBox()->value(), 120);
    WorkloadSpec back;
    QString error;
    QVERIFY(m_panel->currentSpec(&back, &error));
    QCOMPARE(back.kind, spec.kind);
    QCOMPARE(back.model, spec.model);
    QCOMPARE(back.count, 7);
    QCOMPARE(back.chunkMs, 100);
    QCOMPARE(back.audio, QStringLiteral("weather"));
    QCOMPARE(back.baseUrl, spec.baseUrl);
    QCOMPARE(back.durationS, 120.0);
}

void TestStreamPanel::loopForIsPartOfTheSpec()
{
    // Shown for audio workloads only; 0 reads "play once".
    chooseWorkload(WorkloadKind::LiveTranscription);
    QVERIFY(m_panel->loopBox()->isVisibleTo(m_panel.get()));
    QCOMPARE(m_panel->loopBox()->text(), QStringLiteral("play once"));
    QSignalSpy spy(m_panel.get(), &StreamPanel::startRequested);
    typeInto(m_panel->loopBox(), QStringLiteral("45"));
    QTest::mouseClick(m_panel->startButton(), Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).value<WorkloadSpec>().durationS, 45.0);
    chooseWorkload(WorkloadKind::ChatStream);
    QVERIFY(!m_panel->loopBox()->isVisibleTo(m_panel.get()));
}

void TestStreamPanel::anotherUrlStartsFromTheWorkloadsService_data()
{
    QTest::addColumn<WorkloadKind>("kind");
    QTest::addColumn<QString>("expected");
    QTest::newRow("live transcription uses the Deepgram endpoint")
        << WorkloadKind::LiveTranscription << QStringLiteral("wss://deepgram.test");
    QTest::newRow("text to speech uses the Deepgram endpoint")
        << WorkloadKind::TextToSpeech << QStringLiteral("wss://deepgram.test");
    QTest::newRow("chat stream uses the OpenAI endpoint")
        << WorkloadKind::ChatStream << QStringLiteral("https://openai.test/v1");
    QTest::newRow("request burst uses the HTTP endpoint")
        << WorkloadKind::RequestBurst << QStringLiteral("http://echo.test");
}

void TestStreamPanel::anotherUrlStartsFromTheWorkloadsService()
{
    QFETCH(WorkloadKind, kind);
    QFETCH(QString, expected);
    m_panel->setServiceUrls(QUrl(QStringLiteral("wss://deepgram.test")), QUrl(QStringLiteral("https://openai.test/v1")),
                            QUrl(QStringLiteral("http://echo.test")));
    m_panel->workloadBox()->setCurrentIndex(m_panel->workloadBox()->findData(int(kind)));
    QCOMPARE(m_panel->urlEdit()->text(), QString()); // built-in service chosen: nothing to fill
    m_panel->endpointBox()->setCurrentIndex(1);
    QCOMPARE(m_panel->urlEdit()->text(), expected);
}

void TestStreamPanel::aTypedUrlIsKept()
{
    m_panel->setServiceUrls(QUrl(QStringLiteral("wss://deepgram.test")), QUrl(QStringLiteral("https://openai.test/v1")),
                            QUrl(QStringLiteral("http://echo.test")));
    m_panel->endpointBox()->setCurrentIndex(1);
    m_panel->urlEdit()->setText(QStringLiteral("http://127.0.0.1:9"));
    m_panel->workloadBox()->setCurrentIndex(m_panel->workloadBox()->findData(int(WorkloadKind::ChatStream)));
    QCOMPARE(m_panel->urlEdit()->text(), QStringLiteral("http://127.0.0.1:9"));
    m_panel->setBuiltInServiceText(QStringLiteral("Built-in service · 127.0.0.1:4242"));
    QCOMPARE(m_panel->endpointBox()->itemText(0), QStringLiteral("Built-in service · 127.0.0.1:4242"));
}

QTEST_MAIN(TestStreamPanel)
#include "tst_streampanel.moc"
