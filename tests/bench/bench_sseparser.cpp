// SseParser throughput in MB/s (10^6 bytes per second of stream fed).
//   realistic: an OpenAI chat.completion.chunk stream (~190-byte events, one short token each), fed in
//              network-sized reads of 1,400 B and 16 KiB, as QNetworkReply delivers them.
//   worst cases: many tiny events (`data:x\n\n`), tiny comment lines, CR-only line ends, and the same
//              realistic stream fed one byte per call.
// The consumer clears and reuses one event list, like a streaming client that handles events as they come.
#include "model/protocol/sseparser.h"

#include <benchmark/benchmark.h>

using Taskscope::Protocol::SseParser;

namespace {

QByteArray chatCompletionStream()
{
    static const char *const tokens[] = {
        "Hello",  "!",    " How",   " can",  " I",   " help", " you", " today", "?",      " The",      " quick",
        " brown", " fox", " jumps", " over", " the", " lazy", " dog", ".",      "\\n\\n", " \xD0\xB8", "\xE2\x80\xA6"};
    QByteArray stream;
    const QByteArray head =
        "data: {\"id\":\"chatcmpl-AB1cDeFgHiJkLmNoPqRsTuVwXyZ01\",\"object\":\"chat.completion.chunk\","
        "\"created\":1727346171,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":"
        "\"fp_0ba0d124f1\",\"choices\":[{\"index\":0,\"delta\":";
    stream += head
        + "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,"
          "\"finish_reason\":null}]}\n\n";
    int i = 0;
    while (stream.size() < 4 * 1024 * 1024) {
        stream += head + "{\"content\":\"" + tokens[i % std::size(tokens)]
            + "\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n";
        if (++i % 500 == 0)
            stream += ": keep-alive\n\n";
    }
    stream += head + "{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n";
    stream += "data: [DONE]\n\n";
    return stream;
}

QByteArray repeatedTo(const QByteArray &unit, qsizetype size)
{
    return unit.repeated(size / unit.size() + 1);
}

void feedInChunks(benchmark::State &state, const QByteArray &stream, qsizetype chunkSize)
{
    SseParser parser;
    QList<SseParser::Event> events;
    events.reserve(1024);
    qint64 dispatched = 0;
    for (auto _ : state) {
        for (qsizetype pos = 0; pos < stream.size(); pos += chunkSize) {
            parser.feed(QByteArrayView(stream).sliced(pos, qMin(chunkSize, stream.size() - pos)), events);
            dispatched += events.size();
            events.clear();
        }
        parser.finish();
    }
    benchmark::DoNotOptimize(dispatched);
    state.SetBytesProcessed(state.iterations() * stream.size());
    state.counters["MB/s"] = benchmark::Counter(double(stream.size()) / 1e6,
                                                benchmark::Counter::kIsIterationInvariantRate);
    state.counters["events/s"] = benchmark::Counter(double(dispatched), benchmark::Counter::kIsRate);
}

void BM_ChatCompletionStream(benchmark::State &state)
{
    static const QByteArray stream = chatCompletionStream();
    feedInChunks(state, stream, state.range(0));
}
BENCHMARK(BM_ChatCompletionStream)->Arg(1400)->Arg(16 * 1024)->Unit(benchmark::kMillisecond);

void BM_ChatCompletionStreamByteByByte(benchmark::State &state)
{
    static const QByteArray stream = chatCompletionStream().first(256 * 1024);
    feedInChunks(state, stream, 1);
}
BENCHMARK(BM_ChatCompletionStreamByteByByte)->Unit(benchmark::kMillisecond);

void BM_TinyEvents(benchmark::State &state)
{
    static const QByteArray stream = repeatedTo("data:x\n\n", 4 * 1024 * 1024);
    feedInChunks(state, stream, 16 * 1024);
}
BENCHMARK(BM_TinyEvents)->Unit(benchmark::kMillisecond);

void BM_TinyCommentLines(benchmark::State &state)
{
    static const QByteArray stream = repeatedTo(":\n", 4 * 1024 * 1024);
    feedInChunks(state, stream, 16 * 1024);
}
BENCHMARK(BM_TinyCommentLines)->Unit(benchmark::kMillisecond);

void BM_TinyDataLinesCrOnly(benchmark::State &state)
{
    static const QByteArray stream = repeatedTo("data:ab\rdata:cd\r\r", 4 * 1024 * 1024);
    feedInChunks(state, stream, 16 * 1024);
}
BENCHMARK(BM_TinyDataLinesCrOnly)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
