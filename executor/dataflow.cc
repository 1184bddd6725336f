#include "executor/dataflow.h"

#include "executor/dataflow_builder.h"
#include "storage/key_codec.h"

namespace freshet::executor {

Dataflow::~Dataflow() = default;

Result<std::unique_ptr<Dataflow>> Dataflow::Build(uint64_t id,
                                                  std::shared_ptr<const planner::LogicalPlan> plan,
                                                  storage::Store& store, storage::Log& log,
                                                  ExpandView expand) {
  auto df = std::unique_ptr<Dataflow>(new Dataflow());
  df->id_ = id;
  df->plans_.push_back(plan);
  df->types_ = plan->types;
  DataflowBuilder builder(*df, store, log, std::move(expand));
  ASSIGN_OR_RETURN(StreamOperator * root, builder.Build(*plan));
  auto sink = std::make_unique<MaterializeOp>(df->ctx_, ContentsStateId(id),
                                              DataflowBuilder::UniqueKey(*plan), plan->types);
  sink->AddInput(root);
  df->sink_ = sink.get();
  df->ops_.push_back(std::move(sink));
  return df;
}

Status Dataflow::Restore(storage::Store& store) {
  for (auto& op : ops_) RETURN_IF_ERROR(op->Restore(store));
  return Status::OK();
}

std::vector<std::string> Dataflow::Explain() const {
  std::vector<std::string> lines;
  sink_->Explain(0, &lines);
  return lines;
}

size_t Dataflow::StateSize() const { return sink_->TotalStateSize(); }

std::string Dataflow::StateBegin(uint64_t id) {
  std::string k;
  storage::KeyCodec::AppendU64(&k, StateId(id, 0));
  return k;
}

std::string Dataflow::StateEnd(uint64_t id) {
  std::string k;
  storage::KeyCodec::AppendU64(&k, StateId(id + 1, 0));
  return k;
}

}  // namespace freshet::executor
