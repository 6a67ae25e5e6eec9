#include "app/guimain.h"

#include <QApplication>
#include <QLabel>
#include <QMainWindow>

int runGui(int argc, char *argv[])
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
