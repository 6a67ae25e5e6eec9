#pragma once

class QPainter;
namespace Taskscope::Ui {
struct TimelineRow;
} // namespace Taskscope::Ui

namespace Taskscope::Ui::Timeline {

struct PaintContext;

/// One kind of timeline row, drawn by its own class (thread, coroutine and stream lanes, counter
/// strips, aggregate lanes). The renderer picks the item for each visible row and asks it to paint.
class Item
{
public:
    virtual ~Item() = default;
    /// Draws `row`, whose top is at screen y `top`. Span lanes add to ctx.batch, which is filled
    /// in one go after every lane has been visited; other items draw directly.
    virtual void paint(PaintContext &ctx, QPainter &p, const TimelineRow &row, int top) = 0;

protected:
    Item() = default;
    Item(const Item &) = default;
    Item &operator=(const Item &) = default;
};

} // namespace Taskscope::Ui::Timeline
