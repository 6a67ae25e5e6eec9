#pragma once

#include <QWidget>

class QLabel;
class QListView;
class QTextBrowser;
class QTimer;
namespace Taskscope::Model {
class TranscriptModel;
} // namespace Taskscope::Model

namespace Taskscope::Ui {

/// Transcripts and tokens per stream: the streams on the left, the chosen stream's text on the
/// right. Final text reads normally; the current interim hypothesis follows it in a lighter italic
/// and is replaced by each new interim, then by the final. Chat tokens are appended as they arrive.
/// Redraws at most ten times a second, however fast text arrives.
class TranscriptView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TranscriptView)

public:
    explicit TranscriptView(QWidget *parent = nullptr);

    void setModel(Model::TranscriptModel *model);
    Model::TranscriptModel *model() const { return m_model; }
    /// The stream whose text is shown (0: none).
    quint64 currentStream() const { return m_stream; }
    void showStream(quint64 streamId);
    /// The HTML the text pane shows now (for tests).
    QString renderedHtml() const;
    QListView *streamList() const { return m_list; }

private:
    void scheduleRefresh(quint64 streamId);
    void refresh();
    void selectionChanged();

    Model::TranscriptModel *m_model = nullptr;
    QListView *m_list = nullptr;
    QTextBrowser *m_text = nullptr;
    QLabel *m_header = nullptr;
    QTimer *m_refresh = nullptr;
    quint64 m_stream = 0;
    QString m_html;
};

} // namespace Taskscope::Ui
