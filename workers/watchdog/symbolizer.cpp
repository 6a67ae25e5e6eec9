#include "workers/watchdog/symbolizer.h"

#include "model/trace/traceclock.h"

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include <cstdlib>

#include <cxxabi.h>
#include <dwarf.h>
#include <link.h>
#include <unistd.h>

using Taskscope::Model::AlertStackFrame;
using Taskscope::Trace::TraceClock;

namespace Taskscope::Watchdog {

namespace {

char *g_debuginfoPath = nullptr;

const Dwfl_Callbacks g_callbacks = {
    dwfl_linux_proc_find_elf,
    dwfl_standard_find_debuginfo,
    nullptr,
    &g_debuginfoPath,
};

QString demangle(const char *name)
{
    if (!name)
        return {};
    int status = 0;
    char *demangled = abi::__cxa_demangle(name, nullptr, nullptr, &status);
    if (status == 0 && demangled) {
        QString text = QString::fromUtf8(demangled);
        std::free(demangled);
        return text;
    }
    std::free(demangled);
    return QString::fromUtf8(name);
}

// Cache cap: a long session sees a bounded set of code addresses, but keep it bounded anyway.
constexpr qsizetype MaxCachedAddresses = 100'000;

// When the address is in code inlined into the symbol's function, the line table names the inlined
// code (often a library header). Report the call site inside the function instead, and keep the
// innermost inlined function as a note.
void resolveInlining(Dwfl_Module *module, std::uint64_t address, AlertStackFrame *frame)
{
    Dwarf_Addr bias = 0;
    Dwarf_Die *cu = dwfl_module_addrdie(module, Dwarf_Addr(address), &bias);
    if (!cu)
        return;
    Dwarf_Die *scopes = nullptr;
    const int count = dwarf_getscopes(cu, Dwarf_Addr(address) - bias, &scopes);
    if (count <= 0) {
        std::free(scopes);
        return;
    }
    int outermostInline = -1;
    for (int i = 0; i < count; ++i) {
        const int tag = dwarf_tag(&scopes[i]);
        if (tag == DW_TAG_inlined_subroutine)
            outermostInline = i;
        else if (tag == DW_TAG_subprogram)
            break;
    }
    if (outermostInline >= 0) {
        Dwarf_Attribute attribute;
        Dwarf_Word callFile = 0;
        Dwarf_Word callLine = 0;
        Dwarf_Files *files = nullptr;
        std::size_t fileCount = 0;
        if (dwarf_formudata(dwarf_attr(&scopes[outermostInline], DW_AT_call_file, &attribute), &callFile) == 0
            && dwarf_formudata(dwarf_attr(&scopes[outermostInline], DW_AT_call_line, &attribute), &callLine) == 0
            && dwarf_getsrcfiles(cu, &files, &fileCount) == 0 && callFile < fileCount) {
            if (const char *file = dwarf_filesrc(files, callFile, nullptr, nullptr)) {
                const char *inner = dwarf_tag(&scopes[0]) == DW_TAG_inlined_subroutine ? dwarf_diename(&scopes[0])
                                                                                       : nullptr;
                frame->inlined = (inner ? QString::fromUtf8(inner) : QStringLiteral("inlined code"))
                    + QStringLiteral(" (") + frame->file.section(u'/', -1) + u':' + QString::number(frame->line) + u')';
                frame->file = QString::fromUtf8(file);
                frame->line = int(callLine);
            }
        }
    }
    std::free(scopes);
}

} // namespace

Symbolizer::Symbolizer()
{
    m_dwfl = dwfl_begin(&g_callbacks);
}

Symbolizer::~Symbolizer()
{
    if (m_dwfl)
        dwfl_end(m_dwfl);
}

bool Symbolizer::report()
{
    if (!m_dwfl)
        return false;
    dwfl_report_begin(m_dwfl);
    const int status = dwfl_linux_proc_report(m_dwfl, getpid());
    dwfl_report_end(m_dwfl, nullptr, nullptr);
    m_lastReportNs = TraceClock::nowNs();
    return status == 0;
}

qint64 Symbolizer::prewarm()
{
    const qint64 start = TraceClock::nowNs();
    report();
    symbolize(std::uint64_t(reinterpret_cast<std::uintptr_t>(&demangle)), false);
    m_cache.clear();
    m_modulesToPrewarm.clear();
    dl_iterate_phdr(
        [](dl_phdr_info *info, std::size_t, void *out) {
            for (int i = 0; i < info->dlpi_phnum; ++i) {
                const ElfW(Phdr) &header = info->dlpi_phdr[i];
                if (header.p_type == PT_LOAD && (header.p_flags & PF_X) && header.p_memsz > 0) {
                    static_cast<std::vector<std::uint64_t> *>(out)->push_back(info->dlpi_addr + header.p_vaddr);
                    break;
                }
            }
            return 0;
        },
        &m_modulesToPrewarm);
    return TraceClock::nowNs() - start;
}

bool Symbolizer::prewarmNextModule()
{
    if (m_modulesToPrewarm.empty())
        return false;
    const std::uint64_t address = m_modulesToPrewarm.back();
    m_modulesToPrewarm.pop_back();
    if (!m_cache.contains(address)) {
        symbolize(address, false);
        m_cache.remove(address);
    }
    return !m_modulesToPrewarm.empty();
}

AlertStackFrame Symbolizer::symbolize(std::uint64_t address, bool returnAddress)
{
    const std::uint64_t lookup = returnAddress && address > 0 ? address - 1 : address;
    if (auto it = m_cache.constFind(lookup); it != m_cache.constEnd()) {
        AlertStackFrame frame = *it;
        frame.address = address;
        return frame;
    }
    AlertStackFrame frame;
    frame.address = address;
    frame.function = QStringLiteral("??");
    if (!m_dwfl)
        return frame;
    if (m_lastReportNs == 0)
        report();
    Dwfl_Module *module = dwfl_addrmodule(m_dwfl, Dwarf_Addr(lookup));
    if (!module && TraceClock::nowNs() - m_lastReportNs > 1'000'000'000) {
        // A library loaded since the last report.
        report();
        module = dwfl_addrmodule(m_dwfl, Dwarf_Addr(lookup));
    }
    if (module) {
        const char *moduleName = dwfl_module_info(module, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
                                                  nullptr);
        if (moduleName)
            frame.module = QString::fromUtf8(moduleName);
        if (const char *symbol = dwfl_module_addrname(module, Dwarf_Addr(lookup)))
            frame.function = demangle(symbol);
        if (Dwfl_Line *line = dwfl_module_getsrc(module, Dwarf_Addr(lookup))) {
            int lineNumber = 0;
            if (const char *file = dwfl_lineinfo(line, nullptr, &lineNumber, nullptr, nullptr, nullptr)) {
                frame.file = QString::fromUtf8(file);
                frame.line = lineNumber;
            }
        }
        resolveInlining(module, lookup, &frame);
    }
    if (m_cache.size() >= MaxCachedAddresses)
        m_cache.clear();
    m_cache.insert(lookup, frame);
    return frame;
}

} // namespace Taskscope::Watchdog
