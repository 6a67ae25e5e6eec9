#include "ui/transcriptview.h"

#include "model/transcriptmodel.h"

#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QScrollBar>
#include <QSplitter>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

using Taskscope::Model::TranscriptEntry;
using Taskscope::Model::TranscriptModel;

namespace Taskscope::Ui {

TranscriptView::TranscriptView(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    m_list = new QListView(splitter);
    m_list->setUniformItemSizes(true);
    m_list->setAccessibleName(QStringLiteral("Streams"));
    auto *right = new QWidget(splitter);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(6, 4, 0, 0);
    m_header = new QLabel(right);
    m_header->setTextFormat(Qt::PlainText);
    m_text = new QTextBrowser(right);
    m_text->setOpenLinks(false);
    m_text->setAccessibleName(QStringLiteral("Transcript"));
    rightLayout->addWidget(m_header);
    rightLayout->addWidget(m_text, 1);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({180, 540});
    layout->addWidget(splitter);

    m_refresh = new QTimer(this);
    m_refresh->setSingleShot(true);
    m_refresh->setInterval(100);
    connect(m_refresh, &QTimer::timeout, this, &TranscriptView::refresh);
    refresh();
}

void TranscriptView::setModel(TranscriptModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    m_list->setModel(model);
    m_stream = 0;
    if (model) {
        connect(model, &TranscriptModel::textChanged, this, &TranscriptView::scheduleRefresh);
        connect(model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first, int) {
            // Follow the first stream that appears, until the user picks one.
            if (m_stream == 0)
                showStream(m_model->index(first).data(TranscriptModel::StreamIdRole).toULongLong());
        });
        connect(model, &QAbstractItemModel::rowsRemoved, this, [this] {
            if (m_model && !m_model->entry(m_stream))
                showStream(m_model->rowCount() ? m_model->index(0).data(TranscriptModel::StreamIdRole).toULongLong()
                                               : 0);
        });
        connect(model, &QAbstractItemModel::modelReset, this, [this] { showStream(0); });
        connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this,
                &TranscriptView::selectionChanged);
        if (model->rowCount() > 0)
            showStream(model->index(0).data(TranscriptModel::StreamIdRole).toULongLong());
    }
    refresh();
}

void TranscriptView::showStream(quint64 streamId)
{
    m_stream = streamId;
    if (m_model) {
        const int row = m_model->rowOf(streamId);
        if (row >= 0 && m_list->currentIndex().row() != row)
            m_list->setCurrentIndex(m_model->index(row));
    }
    refresh();
}

void TranscriptView::selectionChanged()
{
    const QModelIndex current = m_list->currentIndex();
    if (current.isValid()) {
        m_stream = current.data(TranscriptModel::StreamIdRole).toULongLong();
        refresh();
    }
}

void TranscriptView::scheduleRefresh(quint64 streamId)
{
    if (streamId == m_stream && !m_refresh->isActive())
        m_refresh->start();
}

QString TranscriptView::renderedHtml() const
{
    return m_html;
}

void TranscriptView::refresh()
{
    const TranscriptEntry *e = m_model ? m_model->entry(m_stream) : nullptr;
    if (!e) {
        m_header->setText(QString());
        m_html = QStringLiteral(
            "<p style='color:#8a93a0'>Transcripts and tokens of running streams appear "
            "here: final text in full colour, the current interim hypothesis in light italics until "
            "the final replaces it.</p>");
        m_text->setHtml(m_html);
        return;
    }
    m_header->setText(
        QStringLiteral("%1 · %2 finals · %3 tokens%4")
            .arg(e->label.isEmpty() ? QStringLiteral("stream %1").arg(e->streamId) : e->label)
            .arg(e->finals)
            .arg(e->tokens)
            .arg(e->droppedChars ? QStringLiteral(" · %1 older characters dropped").arg(e->droppedChars) : QString()));
    QString html;
    if (!e->finalText.isEmpty() || !e->interimText.isEmpty()) {
        html += QStringLiteral("<p>") + e->finalText.toHtmlEscaped();
        if (!e->interimText.isEmpty())
            html += QStringLiteral(" <span style='color:#8a93a0; font-style:italic'>%1</span>")
                        .arg(e->interimText.toHtmlEscaped());
        html += QStringLiteral("</p>");
    }
    if (!e->tokenText.isEmpty())
        html += QStringLiteral("<p style='white-space:pre-wrap'>%1</p>").arg(e->tokenText.toHtmlEscaped());
    if (html == m_html)
        return;
    m_html = html;
    QScrollBar *bar = m_text->verticalScrollBar();
    const bool atBottom = bar->value() >= bar->maximum() - 4;
    m_text->setHtml(m_html);
    if (atBottom)
        bar->setValue(bar->maximum());
}

} // namespace Taskscope::Ui
