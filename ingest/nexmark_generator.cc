#include "ingest/nexmark_generator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "ingest/option_reader.h"

namespace freshet::ingest {
namespace {

constexpr uint64_t kProportionTotal = 50;  // person 1, auction 3, bid 46
constexpr int64_t kFirstPersonId = 1000;
constexpr int64_t kFirstAuctionId = 1000;
constexpr int64_t kFirstCategoryId = 10;
constexpr int64_t kNumCategories = 5;
constexpr int64_t kNumActivePeople = 1000;
constexpr int64_t kNumInFlightAuctions = 100;
constexpr int64_t kIdLead = 10;
constexpr int64_t kHotBatch = 100;
constexpr int kChannels = 10000;
constexpr size_t kPadBytes = 1 << 20;

const char* kFirstNames[] = {"Peter", "Paul",  "Luke",  "John",   "Saul",  "Vicky",
                             "Kate",  "Julie", "Sarah", "Deiter", "Walter"};
const char* kLastNames[] = {"Shultz", "Abrams", "Spencer", "White", "Bartels",
                            "Walton", "Smith",  "Jones",   "Noris"};
const char* kCities[] = {"phoenix", "los angeles", "san francisco", "boise", "portland",
                         "bend",    "redmond",     "seattle",       "kent",  "cheyenne"};
const char* kStates[] = {"az", "ca", "id", "or", "wa", "wy"};
const char* kHotChannels[] = {"Google", "Facebook", "Baidu", "Apple"};

int64_t LastBase0PersonId(uint64_t n) { return static_cast<int64_t>(n / kProportionTotal); }

int64_t LastBase0AuctionId(uint64_t n) {
  int64_t epoch = static_cast<int64_t>(n / kProportionTotal);
  int64_t offset = static_cast<int64_t>(n % kProportionTotal);
  if (offset < 1) return std::max<int64_t>(0, epoch * 3 - 1);  // a person: last of the epoch before
  if (offset < 4) return epoch * 3 + (offset - 1);             // an auction
  return epoch * 3 + 2;                                        // a bid: last of this epoch
}

int64_t RandomActivePerson(Random& rng, uint64_t n) {
  int64_t people = LastBase0PersonId(n) + 1;
  int64_t active = std::min(people, kNumActivePeople);
  return people - active + rng.Range(0, active + kIdLead);
}

int64_t RandomInFlightAuction(Random& rng, uint64_t n) {
  int64_t last = LastBase0AuctionId(n);
  int64_t lo = std::max<int64_t>(last - kNumInFlightAuctions, 0);
  return lo + rng.Range(0, last + 1 + kIdLead - lo);
}

int64_t Price(Random& rng) {
  return static_cast<int64_t>(std::llround(std::pow(10.0, rng.Unit() * 6.0) * 100.0));
}

std::string Normalize(const std::string& name) {
  std::string s;
  for (char c : name) {
    if (c != '_') s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return s;
}

}  // namespace

/// The columns each table type can fill: normalized name (lower case, no underscores) and kind
/// (i integer, s string, t timestamp).
struct NexmarkGenerator::FieldSpec {
  Table table;
  const char* name;
  Field field;
  char kind;
};

const NexmarkGenerator::FieldSpec NexmarkGenerator::kFieldSpecs[] = {
    {Table::kPerson, "id", Field::kId, 'i'},
    {Table::kPerson, "name", Field::kName, 's'},
    {Table::kPerson, "emailaddress", Field::kEmail, 's'},
    {Table::kPerson, "creditcard", Field::kCreditCard, 's'},
    {Table::kPerson, "city", Field::kCity, 's'},
    {Table::kPerson, "state", Field::kState, 's'},
    {Table::kPerson, "datetime", Field::kDateTime, 't'},
    {Table::kPerson, "extra", Field::kExtra, 's'},
    {Table::kAuction, "id", Field::kId, 'i'},
    {Table::kAuction, "itemname", Field::kItemName, 's'},
    {Table::kAuction, "description", Field::kDescription, 's'},
    {Table::kAuction, "initialbid", Field::kInitialBid, 'i'},
    {Table::kAuction, "reserve", Field::kReserve, 'i'},
    {Table::kAuction, "datetime", Field::kDateTime, 't'},
    {Table::kAuction, "expires", Field::kExpires, 't'},
    {Table::kAuction, "seller", Field::kSeller, 'i'},
    {Table::kAuction, "category", Field::kCategory, 'i'},
    {Table::kAuction, "extra", Field::kExtra, 's'},
    {Table::kBid, "auction", Field::kAuction, 'i'},
    {Table::kBid, "bidder", Field::kBidder, 'i'},
    {Table::kBid, "price", Field::kPrice, 'i'},
    {Table::kBid, "channel", Field::kChannel, 's'},
    {Table::kBid, "url", Field::kUrl, 's'},
    {Table::kBid, "datetime", Field::kDateTime, 't'},
    {Table::kBid, "extra", Field::kExtra, 's'},
};

Result<std::unique_ptr<NexmarkGenerator>> NexmarkGenerator::Make(
    const std::vector<std::pair<std::string, std::string>>& options,
    const std::vector<GeneratorColumn>& columns, int64_t created_at) {
  auto g = std::unique_ptr<NexmarkGenerator>(new NexmarkGenerator());
  OptionReader opts(options);
  std::string type = Normalize(opts.String("nexmark.table.type", "bid"));
  if (type == "person") {
    g->table_ = Table::kPerson;
  } else if (type == "auction") {
    g->table_ = Table::kAuction;
  } else if (type == "bid") {
    g->table_ = Table::kBid;
  } else {
    return Status::Error(sqlstate::kInvalidParameterValue,
                         "invalid value for option \"nexmark.table.type\": \"" + type +
                             "\" (person, auction or bid)");
  }
  ASSIGN_OR_RETURN(int64_t parts, opts.Int("partitions", 1, 1, 1024));
  g->partitions_ = static_cast<uint32_t>(parts);
  ASSIGN_OR_RETURN(g->rate_, opts.Double("nexmark.event.rate", 10000));
  if (g->rate_ <= 0) {
    return Status::Error(sqlstate::kInvalidParameterValue,
                         "invalid value for option \"nexmark.event.rate\": must be positive");
  }
  ASSIGN_OR_RETURN(g->max_speed_, opts.Bool("nexmark.max.speed", false));
  ASSIGN_OR_RETURN(int64_t total, opts.Int("nexmark.event.num", 0, 0));
  g->total_ = static_cast<uint64_t>(total);
  ASSIGN_OR_RETURN(int64_t seed, opts.Int("nexmark.seed", 0));
  g->seed_ = static_cast<uint64_t>(seed);
  g->created_at_ = created_at;
  ASSIGN_OR_RETURN(g->base_time_, opts.Timestamp("nexmark.base.time", created_at));
  for (const auto& c : columns) {
    std::string n = Normalize(c.name);
    const FieldSpec* spec = nullptr;
    for (const FieldSpec& f : kFieldSpecs) {
      if (f.table == g->table_ && n == f.name) spec = &f;
    }
    if (!spec) {
      return Status::Error(sqlstate::kUndefinedColumn,
                           "nexmark " + type + " events have no column \"" + c.name + "\"");
    }
    bool ok = spec->kind == 'i' ? c.type.IsInteger()
              : spec->kind == 's'
                  ? c.type.IsString()
                  : (c.type.id == TypeId::kTimestamp || c.type.id == TypeId::kTimestampTz);
    if (!ok) {
      return Status::Error(sqlstate::kDatatypeMismatch, "column \"" + c.name + "\" of a nexmark " +
                                                            type + " source cannot be of type " +
                                                            c.type.ToString());
    }
    g->fields_.push_back(spec->field);
  }
  // Reusable random material: the padding pool and the non-hot channels' URLs.
  Random rng(0x6e65786d61726bULL ^ g->seed_);
  g->pad_.resize(kPadBytes);
  for (auto& ch : g->pad_) ch = static_cast<char>('a' + rng.Below(26));
  auto base_url = [&]() {
    std::string u = "https://www.nexmark.com/";
    for (int part = 0; part < 3; part++) {
      for (int i = 0; i < 5; i++) u.push_back(static_cast<char>('a' + rng.Below(26)));
      u.push_back('/');
    }
    u += "item.htm?query=1";
    return u;
  };
  g->channel_urls_.reserve(kChannels + 4);
  g->channel_names_.reserve(kChannels);
  for (int i = 0; i < kChannels; i++) {
    g->channel_names_.push_back("channel-" + std::to_string(i));
    std::string u = base_url();
    if (rng.Below(10) > 0) {
      uint32_t x = static_cast<uint32_t>(i), r = 0;
      for (int b = 0; b < 32; b++) r |= ((x >> b) & 1u) << (31 - b);
      int32_t rev = static_cast<int32_t>(r);
      u += "&channel_id=" + std::to_string(rev == INT32_MIN ? INT32_MAX : std::abs(rev));
    }
    g->channel_urls_.push_back(std::move(u));
  }
  for (int i = 0; i < 4; i++) g->channel_urls_.push_back(base_url());  // the hot channels' URLs
  return g;
}

uint64_t NexmarkGenerator::EventNumber(uint64_t k) const {
  switch (table_) {
    case Table::kPerson:
      return k * kProportionTotal;
    case Table::kAuction:
      return (k / 3) * kProportionTotal + 1 + k % 3;
    case Table::kBid:
      return (k / 46) * kProportionTotal + 4 + k % 46;
  }
  return 0;
}

uint64_t NexmarkGenerator::TypeCount(uint64_t events) const {
  uint64_t full = events / kProportionTotal, rest = events % kProportionTotal;
  switch (table_) {
    case Table::kPerson:
      return full + (rest > 0 ? 1 : 0);
    case Table::kAuction:
      return full * 3 + std::min<uint64_t>(3, rest > 1 ? rest - 1 : 0);
    case Table::kBid:
      return full * 46 + (rest > 4 ? rest - 4 : 0);
  }
  return 0;
}

uint64_t NexmarkGenerator::Available(uint32_t partition, int64_t now_micros) const {
  uint64_t events;
  if (max_speed_) {
    if (total_ == 0) return UINT64_MAX;
    events = total_;
  } else {
    double elapsed = std::max<int64_t>(0, now_micros - created_at_) / 1e6;
    events = static_cast<uint64_t>(elapsed * rate_);
    if (total_ > 0) events = std::min(events, total_);
  }
  uint64_t k = TypeCount(events);
  return k > partition ? (k - partition + partitions_ - 1) / partitions_ : 0;
}

int64_t NexmarkGenerator::EventTime(uint64_t n) const {
  return base_time_ + static_cast<int64_t>(static_cast<double>(n) * 1e6 / rate_);
}

void NexmarkGenerator::AppendString(Random& rng, size_t max, std::string* out) const {
  size_t len = 3 + rng.Below(max > 3 ? max - 3 : 1);
  size_t start = out->size();
  for (size_t i = 0; i < len; i++) {
    out->push_back(rng.Below(13) == 0 ? ' ' : static_cast<char>('a' + rng.Below(26)));
  }
  // Trimmed, as the reference's nextString.
  while (out->size() > start && out->back() == ' ') out->pop_back();
  size_t lead = start;
  while (lead < out->size() && (*out)[lead] == ' ') lead++;
  out->erase(start, lead - start);
}

void NexmarkGenerator::AppendExtra(Random& rng, size_t size, size_t average, Vector* out) const {
  size_t len = 0;
  if (average > size) {
    size_t delta = average - size;
    size_t lo = delta * 8 / 10, hi = delta * 12 / 10;
    len = lo + rng.Below(hi - lo + 1);
  }
  size_t pos = rng.Below(kPadBytes - len);
  if (out) out->AppendString(std::string_view(pad_).substr(pos, len));
}

void NexmarkGenerator::Generate(uint32_t partition, uint64_t offset, size_t n, StreamChunk* chunk,
                                const std::vector<bool>& needed) const {
  size_t first = chunk->size();
  for (size_t j = 0; j < n; j++) {
    uint64_t k = (offset + j) * partitions_ + partition;
    uint64_t event = EventNumber(k);
    switch (table_) {
      case Table::kPerson:
        GeneratePerson(event, chunk, needed);
        break;
      case Table::kAuction:
        GenerateAuction(event, chunk, needed);
        break;
      case Table::kBid:
        GenerateBid(event, chunk, needed);
        break;
    }
  }
  chunk->SetSize(first + n);
}

void NexmarkGenerator::GeneratePerson(uint64_t n, StreamChunk* chunk,
                                      const std::vector<bool>& needed) const {
  Random rng(n * 0x9e3779b97f4a7c15ULL ^ seed_);
  thread_local std::string name, email, card;
  name.clear();
  name += kFirstNames[rng.Below(11)];
  name += ' ';
  name += kLastNames[rng.Below(9)];
  email.clear();
  AppendString(rng, 7, &email);
  email += '@';
  AppendString(rng, 5, &email);
  email += ".com";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d %04d %04d %04d", static_cast<int>(rng.Below(10000)),
                static_cast<int>(rng.Below(10000)), static_cast<int>(rng.Below(10000)),
                static_cast<int>(rng.Below(10000)));
  card.assign(buf);
  const char* city = kCities[rng.Below(10)];
  const char* state = kStates[rng.Below(6)];
  int64_t id = LastBase0PersonId(n) + kFirstPersonId;
  int64_t ts = EventTime(n);
  size_t size = 8 + name.size() + email.size() + card.size() + strlen(city) + strlen(state) + 8;
  for (size_t c = 0; c < fields_.size(); c++) {
    Vector& v = chunk->column(c);
    if (!needed.empty() && !needed[c]) {
      v.AppendNull();
      continue;
    }
    switch (fields_[c]) {
      case Field::kId:
        v.AppendInt(id);
        break;
      case Field::kName:
        v.AppendString(name);
        break;
      case Field::kEmail:
        v.AppendString(email);
        break;
      case Field::kCreditCard:
        v.AppendString(card);
        break;
      case Field::kCity:
        v.AppendString(city);
        break;
      case Field::kState:
        v.AppendString(state);
        break;
      case Field::kDateTime:
        v.AppendInt(ts);
        break;
      case Field::kExtra: {
        Random extra(rng);  // the same padding whichever columns are declared
        AppendExtra(extra, size, 200, &v);
        break;
      }
      default:
        v.AppendNull();
        break;
    }
  }
}

void NexmarkGenerator::GenerateAuction(uint64_t n, StreamChunk* chunk,
                                       const std::vector<bool>& needed) const {
  Random rng(n * 0x9e3779b97f4a7c15ULL ^ seed_);
  thread_local std::string item, desc;
  int64_t id = LastBase0AuctionId(n) + kFirstAuctionId;
  int64_t seller;
  if (rng.Below(4) > 0) {
    seller = (LastBase0PersonId(n) / kHotBatch) * kHotBatch;
  } else {
    seller = RandomActivePerson(rng, n);
  }
  seller += kFirstPersonId;
  int64_t category = kFirstCategoryId + rng.Range(0, kNumCategories);
  int64_t initial_bid = Price(rng);
  int64_t reserve = initial_bid + Price(rng);
  item.clear();
  AppendString(rng, 20, &item);
  desc.clear();
  AppendString(rng, 100, &desc);
  int64_t ts = EventTime(n);
  // Auctions stay open until about 100 more auctions have been generated.
  int64_t horizon = static_cast<int64_t>(kNumInFlightAuctions * kProportionTotal / 3 * 1e6 / rate_);
  int64_t expires = ts + 1000 + rng.Range(0, std::max<int64_t>(1, 2 * horizon));
  size_t size = 8 + item.size() + desc.size() + 8 + 8 + 8 + 8 + 8 + 8;
  for (size_t c = 0; c < fields_.size(); c++) {
    Vector& v = chunk->column(c);
    if (!needed.empty() && !needed[c]) {
      v.AppendNull();
      continue;
    }
    switch (fields_[c]) {
      case Field::kId:
        v.AppendInt(id);
        break;
      case Field::kItemName:
        v.AppendString(item);
        break;
      case Field::kDescription:
        v.AppendString(desc);
        break;
      case Field::kInitialBid:
        v.AppendInt(initial_bid);
        break;
      case Field::kReserve:
        v.AppendInt(reserve);
        break;
      case Field::kDateTime:
        v.AppendInt(ts);
        break;
      case Field::kExpires:
        v.AppendInt(expires);
        break;
      case Field::kSeller:
        v.AppendInt(seller);
        break;
      case Field::kCategory:
        v.AppendInt(category);
        break;
      case Field::kExtra: {
        Random extra(rng);
        AppendExtra(extra, size, 500, &v);
        break;
      }
      default:
        v.AppendNull();
        break;
    }
  }
}

void NexmarkGenerator::GenerateBid(uint64_t n, StreamChunk* chunk,
                                   const std::vector<bool>& needed) const {
  Random rng(n * 0x9e3779b97f4a7c15ULL ^ seed_);
  int64_t auction;
  if (rng.Below(2) > 0) {
    auction = (LastBase0AuctionId(n) / kHotBatch) * kHotBatch;
  } else {
    auction = RandomInFlightAuction(rng, n);
  }
  auction += kFirstAuctionId;
  int64_t bidder;
  if (rng.Below(4) > 0) {
    bidder = (LastBase0PersonId(n) / kHotBatch) * kHotBatch + 1;
  } else {
    bidder = RandomActivePerson(rng, n);
  }
  bidder += kFirstPersonId;
  int64_t price = Price(rng);
  std::string_view channel, url;
  if (rng.Below(2) > 0) {
    size_t h = rng.Below(4);
    channel = kHotChannels[h];
    url = channel_urls_[kChannels + h];
  } else {
    size_t i = rng.Below(kChannels);
    channel = channel_names_[i];
    url = channel_urls_[i];
  }
  int64_t ts = EventTime(n);
  size_t size = 8 + 8 + 8 + channel.size() + url.size() + 8;
  for (size_t c = 0; c < fields_.size(); c++) {
    Vector& v = chunk->column(c);
    if (!needed.empty() && !needed[c]) {
      v.AppendNull();
      continue;
    }
    switch (fields_[c]) {
      case Field::kAuction:
        v.AppendInt(auction);
        break;
      case Field::kBidder:
        v.AppendInt(bidder);
        break;
      case Field::kPrice:
        v.AppendInt(price);
        break;
      case Field::kChannel:
        v.AppendString(channel);
        break;
      case Field::kUrl:
        v.AppendString(url);
        break;
      case Field::kDateTime:
        v.AppendInt(ts);
        break;
      case Field::kExtra: {
        Random extra(rng);
        AppendExtra(extra, size, 100, &v);
        break;
      }
      default:
        v.AppendNull();
        break;
    }
  }
}

}  // namespace freshet::ingest
