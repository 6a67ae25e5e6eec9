#include "model/runcomparisonmodel.h"

#include <QHash>
#include <QJsonArray>

#include <algorithm>
#include <array>
#include <cmath>

namespace Taskscope::Model {

namespace {

void flattenValue(const QString &path, const QJsonValue &value, QList<QPair<QString, double>> &out, int maxFigures,
                  int depth)
{
    if (out.size() >= maxFigures || depth > 16)
        return;
    if (value.isDouble()) {
        if (std::isfinite(value.toDouble()))
            out.append({path, value.toDouble()});
    } else if (value.isBool()) {
        out.append({path, value.toBool() ? 1.0 : 0.0});
    } else if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            flattenValue(path.isEmpty() ? it.key() : path % QLatin1Char('.') % it.key(), it.value(), out, maxFigures,
                         depth + 1);
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (int i = 0; i < std::min<int>(int(array.size()), RunComparisonModel::MaxArrayItems); ++i) {
            // Arrays of named objects read better by name than by position.
            const QJsonValue item = array.at(i);
            const QString name = item.toObject().value(QLatin1StringView("name")).toString();
            const QString key = name.isEmpty() ? QString::number(i) : name;
            flattenValue(path % QLatin1Char('[') % key % QLatin1Char(']'), item, out, maxFigures, depth + 1);
        }
    }
}

} // namespace

RunComparisonModel::RunComparisonModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int RunComparisonModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RunComparisonModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QList<QPair<QString, double>> RunComparisonModel::flatten(const QJsonObject &report, int maxFigures)
{
    QList<QPair<QString, double>> out;
    flattenValue(QString(), report, out, maxFigures, 0);
    return out;
}

bool RunComparisonModel::lowerIsBetter(const QString &figure)
{
    const QString f = figure.toLower();
    static const char *const higher[] = {"per_s", "per.s", "/s",      "rate",      "throughput",
                                         "rps",   "fps",   "success", "completed", "tokens_s"};
    for (const char *word : higher) {
        if (f.contains(QLatin1StringView(word)))
            return false;
    }
    static const char *const lower[] = {"latency", "lateness", "jitter", "error", "fail", "drop",     "cpu",
                                        "time",    "_ms",      ".ms",    "ttft",  "ttfb", "underrun", "hang",
                                        "alert",   "p50",      "p90",    "p99",   "max",  "gap",      "rss",
                                        "bytes",   "memory",   "kib",    "mib"};
    for (const char *word : lower) {
        if (f.contains(QLatin1StringView(word)))
            return true;
    }
    return false;
}

QString RunComparisonModel::displayName(const QString &figure)
{
    const qsizetype dot = figure.lastIndexOf(QLatin1Char('.'));
    const QString prefix = dot > 0 ? figure.left(dot).replace(QLatin1Char('.'), QStringLiteral(" · ")) : QString();
    QString leaf = dot > 0 ? figure.mid(dot + 1) : figure;
    // The unit, from the end of the name.
    static const QList<QPair<QString, QString>> units = {
        {QStringLiteral("PerSecond"), QStringLiteral("/s")}, {QStringLiteral("_per_s"), QStringLiteral("/s")},
        {QStringLiteral("PerS"), QStringLiteral("/s")},      {QStringLiteral("Percent"), QStringLiteral("%")},
        {QStringLiteral("_pct"), QStringLiteral("%")},       {QStringLiteral("KiB"), QStringLiteral("KiB")},
        {QStringLiteral("MiB"), QStringLiteral("MiB")},      {QStringLiteral("_kib"), QStringLiteral("KiB")},
        {QStringLiteral("Bytes"), QStringLiteral("bytes")},  {QStringLiteral("Ms"), QStringLiteral("ms")},
        {QStringLiteral("_ms"), QStringLiteral("ms")},       {QStringLiteral("Us"), QStringLiteral("µs")},
        {QStringLiteral("_us"), QStringLiteral("µs")},       {QStringLiteral("_s"), QStringLiteral("s")}};
    QString unit;
    for (const auto &[suffix, name] : units) {
        if (leaf.size() > suffix.size() && leaf.endsWith(suffix)) {
            unit = name;
            leaf.chop(suffix.size());
            break;
        }
    }
    // Words from camelCase and snake_case; "P50" stays one word, in lower case.
    QStringList words;
    QString word;
    for (qsizetype i = 0; i < leaf.size(); ++i) {
        const QChar c = leaf.at(i);
        if (c == QLatin1Char('_') || c == QLatin1Char('-') || c == QLatin1Char(' ')) {
            if (!word.isEmpty())
                words.append(word);
            word.clear();
            continue;
        }
        if (c.isUpper() && !word.isEmpty() && !word.back().isUpper()) {
            words.append(word);
            word.clear();
        }
        word.append(c);
    }
    if (!word.isEmpty())
        words.append(word);
    for (QString &w : words) {
        // "Latency" -> "latency", "P50" -> "p50"; an acronym such as "TTFT" or "CPU" stays.
        const bool acronym = w.size() > 1 && w == w.toUpper()
            && std::none_of(w.cbegin(), w.cend(), [](QChar c) { return c.isDigit(); });
        if (!acronym)
            w = w.toLower();
    }
    QString text = words.join(QLatin1Char(' '));
    if (!unit.isEmpty())
        text += QStringLiteral(" (%1)").arg(unit);
    return prefix.isEmpty() ? text : QStringLiteral("%1 · %2").arg(prefix, text);
}

bool RunComparisonModel::withinNoise(const QString &figure, double a, double b)
{
    const double diff = std::abs(b - a);
    if (diff < NoiseFraction * std::max(std::abs(a), std::abs(b)))
        return true;
    const QString f = figure.toLower();
    return (f.endsWith(QLatin1StringView("ms")) || f.contains(QLatin1StringView("_ms"))) && diff < 1.0;
}

void RunComparisonModel::setRuns(const QString &labelA, const QJsonObject &reportA, const QString &labelB,
                                 const QJsonObject &reportB)
{
    setRepeatedRuns(labelA, {reportA}, labelB, {reportB});
}

double RunComparisonModel::median(QList<double> values)
{
    if (values.isEmpty())
        return std::nan("");
    std::sort(values.begin(), values.end());
    const qsizetype mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

void RunComparisonModel::setRepeatedRuns(const QString &labelA, const QList<QJsonObject> &runsA, const QString &labelB,
                                         const QList<QJsonObject> &runsB)
{
    // Every run's value of each figure, per side, in the order figures first appear.
    QHash<QString, int> rowOf;
    QList<QString> figures;
    QList<std::array<QList<double>, 2>> values;
    const auto collect = [&](const QList<QJsonObject> &runs, int side) {
        for (const QJsonObject &run : runs) {
            for (const auto &[figure, value] : flatten(run)) {
                auto it = rowOf.constFind(figure);
                if (it == rowOf.cend()) {
                    if (figures.size() >= MaxFigures)
                        continue;
                    it = rowOf.insert(figure, int(figures.size()));
                    figures.append(figure);
                    values.append(std::array<QList<double>, 2> {});
                }
                values[*it][std::size_t(side)].append(value);
            }
        }
    };
    collect(runsA, 0);
    collect(runsB, 1);

    beginResetModel();
    m_rows.clear();
    m_labelA = labelA;
    m_labelB = labelB;
    for (qsizetype i = 0; i < figures.size(); ++i) {
        const QList<double> &a = values[i][0];
        const QList<double> &b = values[i][1];
        Row row;
        row.figure = figures[i];
        row.hasA = !a.isEmpty();
        row.hasB = !b.isEmpty();
        row.runsA = int(a.size());
        row.runsB = int(b.size());
        if (row.hasA) {
            row.a = median(a);
            row.minA = *std::min_element(a.begin(), a.end());
            row.maxA = *std::max_element(a.begin(), a.end());
        }
        if (row.hasB) {
            row.b = median(b);
            row.minB = *std::min_element(b.begin(), b.end());
            row.maxB = *std::max_element(b.begin(), b.end());
        }
        m_rows.append(row);
    }
    endResetModel();
}

bool RunComparisonModel::rowWithinNoise(const Row &row)
{
    // With several runs on both sides the spread decides: overlapping ranges are not a difference.
    if (row.runsA > 1 && row.runsB > 1)
        return row.minA <= row.maxB && row.minB <= row.maxA;
    return withinNoise(row.figure, row.a, row.b);
}

QString RunComparisonModel::spreadText(const Row &row)
{
    const auto range = [](double lo, double hi) {
        return QStringLiteral("%1–%2").arg(QString::number(lo, 'g', 4), QString::number(hi, 'g', 4));
    };
    return QStringLiteral("Medians of %1 and %2 runs; A ranged %3, B ranged %4: %5")
        .arg(row.runsA)
        .arg(row.runsB)
        .arg(range(row.minA, row.maxA), range(row.minB, row.maxB),
             rowWithinNoise(row) ? QStringLiteral("the ranges overlap, so the difference is within run-to-run spread")
                                 : QStringLiteral("the ranges do not overlap"));
}

void RunComparisonModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_labelA.clear();
    m_labelB.clear();
    endResetModel();
}

int RunComparisonModel::figureRow(const QString &figure) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].figure == figure)
            return i;
    }
    return -1;
}

QVariant RunComparisonModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[index.row()];
    const bool comparable = row.hasA && row.hasB;
    const double ratio = comparable && row.a != 0 ? row.b / row.a : std::nan("");
    const auto number = [](double v) {
        return std::abs(v) >= 1e6 || (v != 0 && std::abs(v) < 1e-3)
            ? QString::number(v, 'g', 4)
            : QString::number(v, 'f', std::abs(v) >= 100 ? 1 : 3);
    };
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case FigureColumn:
            return displayName(row.figure);
        case RunAColumn:
            return row.hasA ? number(row.a) : QString();
        case RunBColumn:
            return row.hasB ? number(row.b) : QString();
        case ChangeColumn:
            if (!comparable)
                return QString();
            if (row.a == row.b)
                return QStringLiteral("=");
            if (row.a == 0)
                return QStringLiteral("new");
            return QStringLiteral("%1%2 %%3")
                .arg(ratio >= 1 ? QStringLiteral("+") : QString())
                .arg((ratio - 1) * 100, 0, 'f', 1)
                .arg(rowWithinNoise(row) ? QStringLiteral(" (noise)") : QString());
        default:
            break;
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == FigureColumn)
            return row.figure;
        if (index.column() == ChangeColumn && comparable && row.runsA > 1 && row.runsB > 1)
            return spreadText(row);
        if ((index.column() == RunAColumn && row.runsA > 1) || (index.column() == RunBColumn && row.runsB > 1)) {
            const bool a = index.column() == RunAColumn;
            return QStringLiteral("Median of %1 runs (%2–%3)")
                .arg(a ? row.runsA : row.runsB)
                .arg(number(a ? row.minA : row.minB), number(a ? row.maxA : row.maxB));
        }
        if (index.column() == ChangeColumn && comparable && rowWithinNoise(row))
            return QStringLiteral("Each value comes from one run: a difference this small is within run-to-run noise "
                                  "(repeat the runs to tell)");
        break;
    case NoiseRole:
        return comparable && row.a != row.b && rowWithinNoise(row);
    case Qt::TextAlignmentRole:
        return index.column() == FigureColumn ? int(Qt::AlignLeft | Qt::AlignVCenter)
                                              : int(Qt::AlignRight | Qt::AlignVCenter);
    case ValueARole:
        return row.hasA ? QVariant(row.a) : QVariant();
    case ValueBRole:
        return row.hasB ? QVariant(row.b) : QVariant();
    case RatioRole:
        return std::isfinite(ratio) ? QVariant(ratio) : QVariant();
    case LowerIsBetterRole:
        return lowerIsBetter(row.figure);
    case VerdictRole: {
        if (!comparable || row.a == row.b || rowWithinNoise(row))
            return 0;
        const bool bSmaller = row.b < row.a;
        return bSmaller == lowerIsBetter(row.figure) ? 1 : -1;
    }
    case SortRole:
        switch (index.column()) {
        case FigureColumn:
            return row.figure;
        case RunAColumn:
            return row.hasA ? row.a : -std::numeric_limits<double>::infinity();
        case RunBColumn:
            return row.hasB ? row.b : -std::numeric_limits<double>::infinity();
        case ChangeColumn:
            return std::isfinite(ratio) ? ratio : -std::numeric_limits<double>::infinity();
        default:
            break;
        }
        break;
    default:
        break;
    }
    return {};
}

QVariant RunComparisonModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case FigureColumn:
        return QStringLiteral("Figure");
    case RunAColumn:
        return m_labelA.isEmpty() ? QStringLiteral("Run A") : m_labelA;
    case RunBColumn:
        return m_labelB.isEmpty() ? QStringLiteral("Run B") : m_labelB;
    case ChangeColumn:
        return QStringLiteral("B vs A");
    default:
        break;
    }
    return {};
}

} // namespace Taskscope::Model
