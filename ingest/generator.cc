#include "ingest/generator.h"

#include "ingest/datagen_generator.h"
#include "ingest/nexmark_generator.h"

namespace freshet::ingest {

bool IsGeneratorConnector(const std::string& connector) {
  return connector == "nexmark" || connector == "datagen";
}

Result<std::unique_ptr<Generator>> MakeGenerator(
    const std::string& connector, const std::vector<std::pair<std::string, std::string>>& options,
    const std::vector<GeneratorColumn>& columns, int64_t created_at) {
  if (connector == "nexmark") {
    ASSIGN_OR_RETURN(auto g, NexmarkGenerator::Make(options, columns, created_at));
    return std::unique_ptr<Generator>(std::move(g));
  }
  if (connector == "datagen") {
    ASSIGN_OR_RETURN(auto g, DatagenGenerator::Make(options, columns, created_at));
    return std::unique_ptr<Generator>(std::move(g));
  }
  return Status::Error(sqlstate::kInvalidParameterValue, "unknown connector \"" + connector + "\"");
}

}  // namespace freshet::ingest
