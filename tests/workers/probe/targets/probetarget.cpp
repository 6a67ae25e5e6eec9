// A small Qt Widgets program that knows nothing about Taskscope: the probe's tests launch it with
// the probe preloaded. argv[1] picks what it does, then it quits by itself:
//   sleep   a button's slot sleeps 600 ms (a hang whose stack names the slot)
//   spin    a button's slot burns the CPU for 600 ms
//   modal   a modal dialog runs its own loop for 800 ms while a timer keeps ticking (not a hang)
//   worker  a QThread named "AudioWorker" runs its own event loop with a ticking timer
//   idle    a window that only waits
//   linger  a window that waits 30 s (for attaching to it)
//   hangs   the sleeping slot every 2 s for 30 s, and the worker thread (a window to look at)
//   crash   a segmentation fault after 400 ms
//   busy S  steady short work for S seconds (default 600): every 2 ms a slot computes ~0.2 ms and
//           queues 50 calls to itself, a repaint every 16 ms, the worker thread's timer queueing a
//           call to the UI thread every 5 ms; nothing in it blocks (false-alert soaks)
#include <QApplication>
#include <QDialog>
#include <QElapsedTimer>
#include <QPushButton>
#include <QThread>
#include <QTimer>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

class SaveWindow final : public QPushButton
{
    Q_OBJECT

public:
    explicit SaveWindow(bool spin)
        : QPushButton(QStringLiteral("Save"))
        , m_spin(spin)
    {
        setObjectName(QStringLiteral("saveButton"));
        connect(this, &QPushButton::clicked, this, &SaveWindow::onSaveClicked);
    }

    volatile unsigned long long sink = 0;
    volatile int saves = 0;

public slots:
    // noinline: the hang's stack must show this frame.
    __attribute__((noinline)) void onSaveClicked()
    {
        if (!m_spin) {
            QThread::msleep(600);
        } else {
            QElapsedTimer timer;
            timer.start();
            while (timer.elapsed() < 600)
                sink = sink * 6364136223846793005ull + 1;
        }
        saves = saves + 1; // work after the wait, as a real slot has (and no tail call hiding this frame)
    }

private:
    bool m_spin;
};

class Ticker final : public QObject
{
    Q_OBJECT

public:
    int ticks = 0;
    void tick() { ++ticks; }
};

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    const char *mode = argc > 1 ? argv[1] : "idle";
    SaveWindow window(std::strcmp(mode, "spin") == 0);
    window.show();
    QThread worker;
    Ticker workerTicker;
    if (std::strcmp(mode, "sleep") == 0 || std::strcmp(mode, "spin") == 0) {
        QTimer::singleShot(300, &window, &QPushButton::click);
    } else if (std::strcmp(mode, "hangs") == 0) {
        auto *every = new QTimer(&window);
        QObject::connect(every, &QTimer::timeout, &window, &QPushButton::click);
        every->start(2000);
    } else if (std::strcmp(mode, "crash") == 0) {
        QTimer::singleShot(400, &window, [] { std::raise(SIGSEGV); });
    } else if (std::strcmp(mode, "modal") == 0) {
        QTimer::singleShot(300, &window, [&window] {
            QDialog dialog(&window);
            dialog.setObjectName(QStringLiteral("confirmDialog"));
            Ticker ticker;
            QTimer tick;
            QObject::connect(&tick, &QTimer::timeout, &ticker, &Ticker::tick);
            tick.start(10);
            QTimer::singleShot(800, &dialog, &QDialog::accept);
            dialog.exec();
            std::printf("modal dialog closed after %d ticks\n", ticker.ticks);
        });
    }
    const bool busy = std::strcmp(mode, "busy") == 0;
    Ticker uiTicker;
    double sink = 0;
    if (busy) {
        auto *work = new QTimer(&window);
        QObject::connect(work, &QTimer::timeout, &window, [&uiTicker, &sink] {
            QElapsedTimer spent;
            spent.start();
            for (int i = 1; spent.nsecsElapsed() < 200'000; ++i)
                sink += std::sqrt(double(i));
            for (int i = 0; i < 50; ++i)
                QMetaObject::invokeMethod(&uiTicker, &Ticker::tick, Qt::QueuedConnection);
        });
        work->start(2);
        auto *paint = new QTimer(&window);
        QObject::connect(paint, &QTimer::timeout, &window, [&window] { window.update(); });
        paint->start(16);
    }
    if (std::strcmp(mode, "worker") == 0 || std::strcmp(mode, "hangs") == 0 || busy) {
        worker.setObjectName(QStringLiteral("AudioWorker"));
        workerTicker.moveToThread(&worker);
        auto *timer = new QTimer;
        timer->setObjectName(QStringLiteral("workerTimer"));
        timer->moveToThread(&worker);
        QObject::connect(&worker, &QThread::started, timer, [timer] { timer->start(5); });
        QObject::connect(timer, &QTimer::timeout, &workerTicker, &Ticker::tick);
        if (busy)
            QObject::connect(timer, &QTimer::timeout, &uiTicker, &Ticker::tick, Qt::QueuedConnection);
        QObject::connect(&worker, &QThread::finished, timer, &QObject::deleteLater);
        worker.start();
    }
    const bool lingers = std::strcmp(mode, "linger") == 0 || std::strcmp(mode, "hangs") == 0;
    const int busySeconds = busy && argc > 2 ? std::atoi(argv[2]) : 600;
    const int lifetimeMs = busy ? busySeconds * 1000 : lingers ? 30000 : std::strcmp(mode, "modal") == 0 ? 1600 : 1200;
    QTimer::singleShot(lifetimeMs, &app, &QCoreApplication::quit);
    const int code = QApplication::exec();
    worker.quit();
    worker.wait();
    if (busy)
        std::printf("busy: %d calls on the UI thread (%g)\n", uiTicker.ticks, sink > 0 ? 1.0 : 0.0);
    return code;
}

#include "probetarget.moc"
