// Taskscope entry point (bring-up): a minimal window until the real main window lands.
#include <QApplication>
#include <QLabel>
#include <QMainWindow>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Taskscope"));
    QMainWindow window;
    window.setWindowTitle(QStringLiteral("Taskscope"));
    window.setCentralWidget(new QLabel(QStringLiteral("Taskscope is starting up."), &window));
    window.resize(1280, 800);
    window.show();
    return app.exec();
}
