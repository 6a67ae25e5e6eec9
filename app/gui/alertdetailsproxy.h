#pragma once

#include "model/alertdetails.h"
#include "model/alertrecord.h"

#include <QHash>
#include <QIdentityProxyModel>

namespace Taskscope::Gui {

/// Presents the watchdog's AlertListModel (model/alertlistmodel.h) through the contract the alert
/// inspector and the hang light read (AlertRoles in model/alertdetails.h). Rows and columns are the
/// source's (both lists have Time, Duration, Verdict, Tier, Culprit); the AlertRoles are added,
/// every source role passes through.
///
/// Alerts of earlier runs (loaded from the journal) get ids of their own, above FirstEarlierRunId,
/// so they never shadow an alert of this run with the same number, and no lane: their times belong
/// to another process's clock, so they are not jumped to on the timeline.
class AlertDetailsProxy final : public QIdentityProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertDetailsProxy)

public:
    static constexpr quint32 FirstEarlierRunId = 0x8000'0000u;
    static constexpr int MaxWorkerNotes = 4;

    explicit AlertDetailsProxy(QObject *parent = nullptr);

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// What the inspector shows for one alert.
    static Model::AlertDetails details(const Model::AlertRecord &record, quint32 shownId);
    /// The id the inspector and the timeline use for a record (its own for this run's alerts).
    quint32 shownId(const Model::AlertRecord &record) const;

private:
    mutable QHash<QString, quint32> m_earlierIds;
};

} // namespace Taskscope::Gui
