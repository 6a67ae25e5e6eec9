#pragma once

#include <QJsonObject>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class RunComparisonModel;

/// Two runs side by side: every figure of two JSON reports (e.g. the same scenario run with threads
/// and with coroutines) with both values drawn as bars on one scale, and the change coloured by
/// whether it is better or worse. Reports come from the app (setRuns) or from files (Load A / B).
class CompareView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CompareView)

public:
    static constexpr qint64 MaxReportBytes = 64ll << 20;

    explicit CompareView(QWidget *parent = nullptr);

    void setRuns(const QString &labelA, const QJsonObject &reportA, const QString &labelB, const QJsonObject &reportB);
    RunComparisonModel *comparison() const { return m_model; }
    QTableView *table() const { return m_table; }
    void setFilter(const QString &text);

public Q_SLOTS:
    void loadRunA();
    void loadRunB();
    /// Reads a report file off the UI thread into run A (0) or run B (1).
    void loadReportFile(int run, const QString &path);

Q_SIGNALS:
    void loadFailed(const QString &error);
    void runsChanged();

private:
    void apply();

    RunComparisonModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    QLineEdit *m_filter = nullptr;
    QLabel *m_caption = nullptr;
    QString m_label[2];
    QJsonObject m_report[2];
};
