#include "executor/dataflow.h"

#include "executor/blackhole_op.h"
#include "executor/dataflow_builder.h"
#include "executor/outbox_sink_op.h"
#include "storage/key_codec.h"

namespace freshet::executor {

Dataflow::~Dataflow() = default;

Result<std::unique_ptr<Dataflow>> Dataflow::Build(uint64_t id,
                                                  std::shared_ptr<const planner::LogicalPlan> plan,
                                                  storage::Store& store, storage::Log& log,
                                                  ExpandView expand, ViewOptions options) {
  auto df = std::unique_ptr<Dataflow>(new Dataflow());
  df->id_ = id;
  df->plans_.push_back(plan);
  df->types_ = plan->types;
  DataflowBuilder builder(*df, store, log, std::move(expand));
  builder.set_view_options(options);
  builder.set_column_usage(std::make_unique<planner::ColumnUsage>(*plan));
  ASSIGN_OR_RETURN(StreamOperator * root, builder.Build(*plan));
  if (options.emit_on_window_close && !builder.has_window_close()) {
    return Status::NotSupported(
        "EMIT ON WINDOW CLOSE needs an aggregation grouped by a window (TUMBLE, HOP, CUMULATE or "
        "SESSION) over a source with a WATERMARK");
  }
  // Windows close by event time: their sources divert late rows and send watermarks.
  for (SourceScanOp* scan : df->source_scans_) {
    scan->SetWatermarked(builder.has_windows(), options.allowed_lateness);
  }
  df->contents_key_ = DataflowBuilder::UniqueKey(*plan);
  if (options.outbox_sink) {
    auto outbox = std::make_unique<OutboxSinkOp>(df->ctx_, ContentsStateId(id), options.sink_name);
    outbox->AddInput(root);
    df->root_ = outbox.get();
    df->ops_.push_back(std::move(outbox));
    return df;
  }
  if (options.blackhole_sink) {
    auto hole = std::make_unique<BlackholeOp>(df->ctx_, ContentsStateId(id));
    hole->AddInput(root);
    df->root_ = hole.get();
    df->ops_.push_back(std::move(hole));
    return df;
  }
  auto sink = std::make_unique<MaterializeOp>(
      df->ctx_, ContentsStateId(id), df->contents_key_, plan->types,
      DataflowBuilder::AppendOnly(*plan, options.emit_on_window_close));
  sink->AddInput(root);
  df->sink_ = sink.get();
  df->root_ = sink.get();
  df->ops_.push_back(std::move(sink));
  return df;
}

Status Dataflow::Restore(storage::Store& store) {
  for (auto& op : ops_) RETURN_IF_ERROR(op->Restore(store));
  return Status::OK();
}

std::vector<std::string> Dataflow::Explain() const {
  std::vector<std::string> lines;
  root_->Explain(0, &lines);
  return lines;
}

size_t Dataflow::StateSize() const { return root_->TotalStateSize(); }
size_t Dataflow::EpochBytes() const { return root_->TotalEpochBytes(); }

int64_t Dataflow::sink_changes() const {
  if (auto* outbox = dynamic_cast<const OutboxSinkOp*>(root_)) return outbox->changes();
  auto* hole = dynamic_cast<const BlackholeOp*>(root_);
  return hole ? hole->changes() : 0;
}

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
