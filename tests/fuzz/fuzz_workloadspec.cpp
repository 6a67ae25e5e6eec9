// The workload spec reader (one workload of a scenario file), from any JSON object.
#include "model/workloadspec.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstddef>
#include <cstdint>

using namespace Taskscope::Model;

using Taskscope::Protocol::FieldError;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QJsonDocument doc = QJsonDocument::fromJson(
        QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)));
    if (!doc.isObject())
        return 0;
    FieldError error;
    (void)WorkloadSpec::fromJson(doc.object(), &error);
    return 0;
}
