#pragma once

#include "model/workloadspec.h"

#include <QStringList>
#include <QUrl>
#include <QWidget>

class QButtonGroup;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableView;
class QVBoxLayout;
namespace Taskscope::Model {
class TaskListModel;
} // namespace Taskscope::Model

namespace Taskscope::Ui {

/// Where the user starts and stops workloads: pick a workload, an execution model, an endpoint, an
/// audio source (and how long to loop it), a chunk size and a count; Start emits the WorkloadSpec, Stop the selected
/// tasks' ids, Stop all everything. The task list below shows what the app reports back.
///
/// The panel never runs anything itself: the app connects startRequested / stopRequested /
/// stopAllRequested to its controllers and fills the TaskListModel.
class StreamPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StreamPanel)

public:
    explicit StreamPanel(QWidget *parent = nullptr);

    void setTaskModel(Model::TaskListModel *model);
    QTableView *taskView() const { return m_taskView; }

    /// Bundled speech samples (e.g. from ":/speech/"); listed at start-up by default.
    void setSamples(const QStringList &resourcePaths);
    QStringList samples() const { return m_samples; }
    /// Audio input device names the app found (QMediaDevices lives in the app layer).
    void setAudioInputs(const QStringList &deviceNames);
    /// Uses a WAV file as the audio source (what the file dialog does).
    void setAudioFile(const QString &path);
    /// What the "built-in service" endpoint says: its address, or that it is starting or not running.
    void setBuiltInServiceText(const QString &text);
    /// The endpoints configured for the real services; choosing "Another URL…" starts from the one
    /// of the chosen workload's service (until the user types a URL of their own).
    void setServiceUrls(const QUrl &deepgram, const QUrl &openAi, const QUrl &http);
    /// Whether an API key is configured for real services (shown next to the endpoint, never the key).
    void setKeyAvailability(bool deepgramKey, bool openAiKey);
    /// A line under the buttons: what happened, or why nothing can happen.
    void setStatusMessage(const QString &text, bool warning = false);
    QString statusMessage() const;

    /// The spec the form describes now; sets *error and returns false if the form is invalid.
    bool currentSpec(Model::WorkloadSpec *spec, QString *error) const;
    /// Fills the form from a spec (e.g. a scenario's first workload).
    void setSpec(const Model::WorkloadSpec &spec);

    // The form's controls, for tests and accessibility.
    QComboBox *workloadBox() const { return m_workload; }
    QButtonGroup *modelButtons() const { return m_models; }
    QComboBox *endpointBox() const { return m_endpoint; }
    QLineEdit *urlEdit() const { return m_url; }
    QComboBox *audioBox() const { return m_audio; }
    QSpinBox *chunkBox() const { return m_chunk; }
    QSpinBox *loopBox() const { return m_loop; } ///< seconds; 0 plays the source once
    QSpinBox *countBox() const { return m_count; }
    QPushButton *startButton() const { return m_start; }
    QPushButton *stopButton() const { return m_stop; }
    QPushButton *stopAllButton() const { return m_stopAll; }
    QPushButton *compareButton() const { return m_compare; }
    /// The tasks selected in the task list.
    QList<quint64> selectedTaskIds() const;

public Q_SLOTS:
    void start();
    void stopSelected();
    void stopAll();

Q_SIGNALS:
    void startRequested(const Model::WorkloadSpec &spec);
    void stopRequested(quint64 taskId);
    void stopAllRequested();
    /// Compare two tasks of this session (a started before b).
    void compareRequested(quint64 a, quint64 b);

protected:
    void changeEvent(QEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void buildWorkloadRows();
    void buildEndpointRow();
    void buildSourceRows();
    void buildJobRows();
    void buildButtons(QVBoxLayout *layout);
    void buildTaskList(QVBoxLayout *layout);
    void connectControls();
    void applyStatusColour();
    void updateVisibleRows();
    void updateButtons();
    void audioChosen(int index);
    void prefillUrl();

    QComboBox *m_workload = nullptr;
    QButtonGroup *m_models = nullptr;
    QComboBox *m_endpoint = nullptr;
    QUrl m_deepgramUrl;
    QUrl m_openAiUrl;
    QUrl m_httpUrl;
    QString m_prefilledUrl; ///< what prefillUrl() wrote, so a URL the user typed is kept
    QLineEdit *m_url = nullptr;
    QLabel *m_keyNote = nullptr;
    QComboBox *m_audio = nullptr;
    QSpinBox *m_chunk = nullptr;
    QSpinBox *m_loop = nullptr;
    QLineEdit *m_text = nullptr;
    QSpinBox *m_requests = nullptr;
    QSpinBox *m_concurrency = nullptr;
    QComboBox *m_command = nullptr;
    QSpinBox *m_commandMs = nullptr;
    QSpinBox *m_count = nullptr;
    QPushButton *m_start = nullptr;
    QPushButton *m_stop = nullptr;
    QPushButton *m_stopAll = nullptr;
    QPushButton *m_compare = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_emptyHint = nullptr;
    bool m_warning = false;
    QTableView *m_taskView = nullptr;
    QFormLayout *m_form = nullptr;
    Model::TaskListModel *m_tasks = nullptr;
    QStringList m_samples;
    QStringList m_inputs;
    QString m_file;
    bool m_deepgramKey = false;
    bool m_openAiKey = false;
    int m_lastAudioIndex = 0;
};

} // namespace Taskscope::Ui
