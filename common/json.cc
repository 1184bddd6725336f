#include "common/json.h"

#include <algorithm>
#include <cstdio>

#include "common/utf8.h"

namespace freshet {

/// Recursive-descent JSON parser (RFC 8259) producing Json trees.
class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : text_(text) {}

  Result<Json> ParseDocument() {
    Json j;
    RETURN_IF_ERROR(ParseValue(&j, 0));
    SkipWs();
    if (pos_ != text_.size()) return Error();
    return j;
  }

 private:
  Status Error() const {
    return Status::Error(sqlstate::kInvalidTextRepresentation, "invalid input syntax for type json")
        .WithDetail("Token \"" + std::string(text_.substr(pos_, 10)) + "\" is invalid.");
  }
  void SkipWs() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      pos_++;
    }
  }
  bool Consume(std::string_view word) {
    if (text_.substr(pos_, word.size()) == word) {
      pos_ += word.size();
      return true;
    }
    return false;
  }
  Status ParseHex4(uint32_t* out) {
    if (pos_ + 4 > text_.size()) return Error();
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
      char c = text_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= c - '0';
      else if (c >= 'a' && c <= 'f')
        v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        v |= c - 'A' + 10;
      else
        return Error();
    }
    *out = v;
    return Status::OK();
  }
  Status ParseString(std::string* out) {
    if (pos_ >= text_.size() || text_[pos_] != '"') return Error();
    pos_++;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '"') return Status::OK();
      if (static_cast<unsigned char>(c) < 0x20) return Error();
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) return Error();
      char e = text_[pos_++];
      switch (e) {
        case '"':
          out->push_back('"');
          break;
        case '\\':
          out->push_back('\\');
          break;
        case '/':
          out->push_back('/');
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          uint32_t cp;
          RETURN_IF_ERROR(ParseHex4(&cp));
          if (cp >= 0xD800 && cp <= 0xDBFF && Consume("\\u")) {
            uint32_t lo;
            RETURN_IF_ERROR(ParseHex4(&lo));
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          if (cp == 0) {
            return Status::Error("22P05", "unsupported Unicode escape sequence");
          }
          utf8::Append(out, cp);
          break;
        }
        default:
          return Error();
      }
    }
    return Error();
  }
  Status ParseValue(Json* out, int depth) {
    if (depth > 1000) {
      return Status::Error(sqlstate::kProgramLimitExceeded, "stack depth limit exceeded");
    }
    SkipWs();
    if (pos_ >= text_.size()) return Error();
    char c = text_[pos_];
    if (c == '{') {
      pos_++;
      out->kind_ = Json::Kind::kObject;
      SkipWs();
      if (Consume("}")) return Status::OK();
      while (true) {
        SkipWs();
        std::string key;
        RETURN_IF_ERROR(ParseString(&key));
        SkipWs();
        if (!Consume(":")) return Error();
        Json v;
        RETURN_IF_ERROR(ParseValue(&v, depth + 1));
        out->members_.emplace_back(std::move(key), std::move(v));
        SkipWs();
        if (Consume(",")) continue;
        if (Consume("}")) break;
        return Error();
      }
      // jsonb key order: shorter keys first, then bytewise; the last duplicate wins.
      std::stable_sort(out->members_.begin(), out->members_.end(),
                       [](const auto& a, const auto& b) {
                         if (a.first.size() != b.first.size()) {
                           return a.first.size() < b.first.size();
                         }
                         return a.first < b.first;
                       });
      std::vector<std::pair<std::string, Json>> dedup;
      for (auto& m : out->members_) {
        if (!dedup.empty() && dedup.back().first == m.first) {
          dedup.back().second = std::move(m.second);
        } else {
          dedup.push_back(std::move(m));
        }
      }
      out->members_ = std::move(dedup);
      return Status::OK();
    }
    if (c == '[') {
      pos_++;
      out->kind_ = Json::Kind::kArray;
      SkipWs();
      if (Consume("]")) return Status::OK();
      while (true) {
        Json v;
        RETURN_IF_ERROR(ParseValue(&v, depth + 1));
        out->elements_.push_back(std::move(v));
        SkipWs();
        if (Consume(",")) continue;
        if (Consume("]")) break;
        return Error();
      }
      return Status::OK();
    }
    if (c == '"') {
      out->kind_ = Json::Kind::kString;
      return ParseString(&out->scalar_);
    }
    if (Consume("true")) {
      out->kind_ = Json::Kind::kBool;
      out->scalar_ = "true";
      return Status::OK();
    }
    if (Consume("false")) {
      out->kind_ = Json::Kind::kBool;
      out->scalar_ = "false";
      return Status::OK();
    }
    if (Consume("null")) {
      out->kind_ = Json::Kind::kNull;
      return Status::OK();
    }
    // number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    size_t start = pos_;
    if (pos_ < text_.size() && text_[pos_] == '-') pos_++;
    auto digits = [&]() {
      size_t s = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') pos_++;
      return pos_ - s;
    };
    if (digits() == 0) return Error();
    if (pos_ < text_.size() && text_[pos_] == '.') {
      pos_++;
      if (digits() == 0) return Error();
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      pos_++;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) pos_++;
      if (digits() == 0) return Error();
    }
    out->kind_ = Json::Kind::kNumber;
    out->scalar_ = std::string(text_.substr(start, pos_ - start));
    return Status::OK();
  }

  std::string_view text_;
  size_t pos_ = 0;
};

Result<Json> Json::Parse(std::string_view text) { return JsonParser(text).ParseDocument(); }

Result<std::string> Json::Normalize(std::string_view text) {
  ASSIGN_OR_RETURN(Json j, Parse(text));
  return j.ToString();
}

const Json* Json::Field(std::string_view key) const {
  if (kind_ != Kind::kObject) return nullptr;
  for (const auto& m : members_) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

const Json* Json::Element(int64_t index) const {
  if (kind_ != Kind::kArray) return nullptr;
  int64_t n = static_cast<int64_t>(elements_.size());
  if (index < 0) index += n;
  if (index < 0 || index >= n) return nullptr;
  return &elements_[index];
}

namespace {
void AppendQuoted(std::string* out, const std::string& s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out->append(buf);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}
}  // namespace

void Json::Print(std::string* out) const {
  switch (kind_) {
    case Kind::kNull:
      out->append("null");
      return;
    case Kind::kBool:
    case Kind::kNumber:
      out->append(scalar_);
      return;
    case Kind::kString:
      AppendQuoted(out, scalar_);
      return;
    case Kind::kArray:
      out->push_back('[');
      for (size_t i = 0; i < elements_.size(); i++) {
        if (i) out->append(", ");
        elements_[i].Print(out);
      }
      out->push_back(']');
      return;
    case Kind::kObject:
      out->push_back('{');
      for (size_t i = 0; i < members_.size(); i++) {
        if (i) out->append(", ");
        AppendQuoted(out, members_[i].first);
        out->append(": ");
        members_[i].second.Print(out);
      }
      out->push_back('}');
      return;
  }
}

std::string Json::ToString() const {
  std::string s;
  Print(&s);
  return s;
}

bool Json::ToText(std::string* out) const {
  if (kind_ == Kind::kNull) return false;
  if (kind_ == Kind::kString) {
    *out = scalar_;
  } else {
    *out = ToString();
  }
  return true;
}

}  // namespace freshet
