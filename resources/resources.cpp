// The resource library needs one translation unit of its own; the data lives in the generated .qrc code.
namespace taskscope_resources_anchor {
int version = 1;
}
