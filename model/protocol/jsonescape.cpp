#include "model/protocol/jsonescape.h"

namespace Taskscope::Protocol {

namespace {

template<typename Out>
void appendEscaped(Out &out, QByteArrayView utf8)
{
    static constexpr char Hex[] = "0123456789abcdef";
    for (const char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out.push_back(Hex[c >> 4]);
                out.push_back(Hex[c & 15]);
            } else {
                out.push_back(ch);
            }
        }
    }
}

} // namespace

void JsonEscape::append(std::string &out, QByteArrayView utf8)
{
    out.reserve(out.size() + std::size_t(utf8.size()));
    appendEscaped(out, utf8);
}

void JsonEscape::append(QByteArray &out, QByteArrayView utf8)
{
    out.reserve(out.size() + utf8.size());
    appendEscaped(out, utf8);
}

} // namespace Taskscope::Protocol
