#include "executor/blackhole_op.h"

#include "common/varint.h"

namespace freshet::executor {

Status BlackholeOp::OnBarrier() {
  std::string v;
  PutVarint(&v, static_cast<uint64_t>(changes_));
  state_.Put(ctx_, "n", v);
  return Status::OK();
}

Status BlackholeOp::Restore(storage::Store& store) {
  return state_.Scan(store, [&](std::string_view key, std::string_view value) -> Status {
    uint64_t n;
    if (key == "n" && GetVarint(&value, &n)) changes_ = static_cast<int64_t>(n);
    return Status::OK();
  });
}

}  // namespace freshet::executor
