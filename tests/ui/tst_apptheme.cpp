// The application theme: in the dark palette a checked tool button (the "Run as" choice) must stand
// out from the unchecked ones beside it.
#include "ui/apptheme.h"

#include <QApplication>
#include <QImage>
#include <QTest>
#include <QToolButton>

using namespace Taskscope::Model;
using namespace Taskscope::Ui;

namespace {

// The mean colour of a widget's face, away from its frame.
QColor meanColour(QWidget *widget)
{
    const QImage image = widget->grab().toImage();
    double r = 0, g = 0, b = 0;
    int n = 0;
    for (int y = image.height() / 4; y < image.height() * 3 / 4; ++y) {
        for (int x = image.width() / 8; x < image.width() * 7 / 8; ++x) {
            const QColor c = image.pixelColor(x, y);
            r += c.redF();
            g += c.greenF();
            b += c.blueF();
            ++n;
        }
    }
    return QColor::fromRgbF(float(r / n), float(g / n), float(b / n));
}

double distance(const QColor &a, const QColor &b)
{
    return std::abs(a.redF() - b.redF()) + std::abs(a.greenF() - b.greenF()) + std::abs(a.blueF() - b.blueF());
}

} // namespace

class TestAppTheme final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void checkedToolButtonStandsOut_data();
    void checkedToolButtonStandsOut();
};

void TestAppTheme::checkedToolButtonStandsOut_data()
{
    QTest::addColumn<int>("theme");
    QTest::newRow("dark theme") << int(AppSettings::Theme::Dark);
    QTest::newRow("light theme") << int(AppSettings::Theme::Light);
}

void TestAppTheme::checkedToolButtonStandsOut()
{
    QFETCH(int, theme);
    AppTheme::apply(AppSettings::Theme(theme));
    QWidget parent;
    QToolButton on(&parent), off(&parent);
    for (QToolButton *b : {&on, &off}) {
        b->setText(QStringLiteral("Coroutine"));
        b->setCheckable(true);
        b->resize(120, 28);
    }
    on.move(0, 0);
    off.move(0, 40);
    on.setChecked(true);
    parent.resize(130, 80);
    parent.show();
    QVERIFY(QTest::qWaitForWindowExposed(&parent));
    const QColor checked = meanColour(&on), unchecked = meanColour(&off);
    // Sums of the three channel differences, 0..3: Fusion's own darkening alone is about 0.1.
    QVERIFY2(distance(checked, unchecked) > 0.4,
             qPrintable(QStringLiteral("checked %1, unchecked %2").arg(checked.name(), unchecked.name())));
}

QTEST_MAIN(TestAppTheme)
#include "tst_apptheme.moc"
