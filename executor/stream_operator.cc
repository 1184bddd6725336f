#include "executor/stream_operator.h"

#include "storage/key_codec.h"

namespace freshet::executor {

StateTable::StateTable(uint64_t id, storage::Space space) : id_(id), space_(space) {
  storage::KeyCodec::AppendU64(&prefix_, id);
}

const std::string& StateTable::Key(std::string_view key) {
  key_.assign(prefix_);
  key_.append(key);
  return key_;
}

void StateTable::Put(EpochContext& ctx, std::string_view key, std::string_view value) {
  ctx.batch->Put(space_, Key(key), value);
}

void StateTable::Delete(EpochContext& ctx, std::string_view key) {
  ctx.batch->Delete(space_, Key(key));
}

std::string StateTable::End() const { return storage::KeyCodec::PrefixSuccessor(prefix_); }

Status StateTable::Scan(
    storage::Store& store,
    const std::function<Status(std::string_view key, std::string_view value)>& visit) const {
  auto cursor = store.NewCursor(space_, prefix_, End());
  for (; cursor->Valid(); cursor->Next()) {
    RETURN_IF_ERROR(visit(cursor->key().substr(prefix_.size()), cursor->value()));
  }
  return cursor->status();
}

void StreamOperator::AddInput(StreamOperator* input) {
  input->output_ = this;
  input->output_port_ = static_cast<int>(inputs_.size());
  inputs_.push_back(input);
}

Status StreamOperator::Barrier(int) {
  if (++arrived_ < input_count_) return Status::OK();
  arrived_ = 0;
  RETURN_IF_ERROR(OnBarrier());
  return ForwardBarrier();
}

Status StreamOperator::ForwardBarrier() {
  if (!output_) return Status::OK();
  return output_->Barrier(output_port_);
}

void StreamOperator::Explain(int indent, std::vector<std::string>* out) const {
  std::string line(indent * 2, ' ');
  line += Describe();
  if (Unbounded()) line += " (unbounded)";
  out->push_back(std::move(line));
  for (const StreamOperator* in : inputs_) in->Explain(indent + 1, out);
}

size_t StreamOperator::TotalEpochBytes() const {
  size_t n = EpochBytes();
  for (const StreamOperator* in : inputs_) n += in->TotalEpochBytes();
  return n;
}

size_t StreamOperator::TotalStateSize() const {
  size_t n = StateSize();
  for (const StreamOperator* in : inputs_) n += in->TotalStateSize();
  return n;
}

}  // namespace freshet::executor
