// freshet-kafka-mock: librdkafka's mock Kafka cluster as a process, for tests, benchmarks and
// trying the Kafka connector without a broker (kcat and Freshet connect to it as to Kafka).
//
//   freshet-kafka-mock [--brokers N] [--topic NAME:PARTITIONS[:REPLICATION]]... [--bootstrap-file
//   F]
//
// Prints the bootstrap servers (host:port,...) on the first line of stdout (and into F), then
// takes commands on stdin, one per line, answering "ok" or "error: ...":
//   topic NAME PARTITIONS [REPLICATION]   create a topic
//   down BROKER_ID | up BROKER_ID         take a broker down or bring it back
//   leader TOPIC PARTITION BROKER_ID      move a partition's leader
//   quit
// At the end of stdin it keeps serving until SIGTERM or SIGINT.

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "ingest/kafka_mock_cluster.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

freshet::Status CreateTopic(freshet::ingest::KafkaMockCluster& c, const std::string& spec) {
  std::string name = spec, parts = "1", rf = "1";
  size_t a = spec.find(':');
  if (a != std::string::npos) {
    name = spec.substr(0, a);
    parts = spec.substr(a + 1);
    size_t b = parts.find(':');
    if (b != std::string::npos) {
      rf = parts.substr(b + 1);
      parts = parts.substr(0, b);
    }
  }
  return c.CreateTopic(name, std::atoi(parts.c_str()), std::atoi(rf.c_str()));
}

}  // namespace

int main(int argc, char** argv) {
  int brokers = 3;
  std::vector<std::string> topics;
  std::string bootstrap_file;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--brokers" && i + 1 < argc) {
      brokers = std::atoi(argv[++i]);
    } else if (a == "--topic" && i + 1 < argc) {
      topics.push_back(argv[++i]);
    } else if (a == "--bootstrap-file" && i + 1 < argc) {
      bootstrap_file = argv[++i];
    } else {
      std::cerr << "usage: freshet-kafka-mock [--brokers N] [--topic NAME:PARTITIONS[:RF]]... "
                   "[--bootstrap-file F]\n";
      return 2;
    }
  }
  auto cluster = freshet::ingest::KafkaMockCluster::Start(brokers);
  if (!cluster.ok()) {
    std::cerr << "freshet-kafka-mock: " << cluster.status().message() << "\n";
    return 1;
  }
  for (const auto& t : topics) {
    freshet::Status s = CreateTopic(**cluster, t);
    if (!s.ok()) {
      std::cerr << "freshet-kafka-mock: " << s.message() << "\n";
      return 1;
    }
  }
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  const std::string& bootstrap = (*cluster)->bootstrap_servers();
  if (!bootstrap_file.empty()) {
    std::string tmp = bootstrap_file + ".tmp";
    std::ofstream(tmp) << bootstrap << "\n";
    std::rename(tmp.c_str(), bootstrap_file.c_str());
  }
  std::cout << bootstrap << std::endl;
  std::string line;
  while (!g_stop && std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string cmd;
    in >> cmd;
    freshet::Status s;
    if (cmd.empty()) continue;
    if (cmd == "quit") break;
    if (cmd == "topic") {
      std::string name;
      int parts = 1, rf = 1;
      in >> name >> parts >> rf;
      s = (*cluster)->CreateTopic(name, parts, rf);
    } else if (cmd == "down" || cmd == "up") {
      int id = 0;
      in >> id;
      s = cmd == "down" ? (*cluster)->SetBrokerDown(id) : (*cluster)->SetBrokerUp(id);
    } else if (cmd == "leader") {
      std::string topic;
      int part = 0, id = 0;
      in >> topic >> part >> id;
      s = (*cluster)->SetPartitionLeader(topic, part, id);
    } else {
      s = freshet::Status::Error("22023", "unknown command " + cmd);
    }
    std::cout << (s.ok() ? "ok" : "error: " + s.message()) << std::endl;
  }
  while (!g_stop && std::cin.eof()) pause();
  return 0;
}
