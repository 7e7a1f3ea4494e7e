#pragma once
// The user counters of one benchmark record, name -> value, sorted by name: a std::map's interface
// on one sorted vector. A fleet of a thousand full runs holds ~40 million counters; as map nodes
// their allocation and release cost more than parsing the JSON they came from.

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gpubench {

class CounterMap {
 public:
  using value_type = std::pair<std::string, double>;
  using iterator = std::vector<value_type>::iterator;
  using const_iterator = std::vector<value_type>::const_iterator;

  CounterMap() = default;
  CounterMap(std::initializer_list<value_type> entries) {
    for (const auto& [name, value] : entries)
      insert_or_assign(name, value);
  }
  // Implicit both ways: report rows and tests build std::maps, explain_shortfall reads one.
  CounterMap(const std::map<std::string, double>& entries)  // NOLINT(google-explicit-constructor)
      : entries_(entries.begin(), entries.end()) {}
  operator std::map<std::string, double>() const {  // NOLINT(google-explicit-constructor)
    return {entries_.begin(), entries_.end()};
  }

  iterator begin() { return entries_.begin(); }
  iterator end() { return entries_.end(); }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void reserve(std::size_t count) { entries_.reserve(count); }

  const_iterator find(std::string_view name) const {
    const auto it = lower_bound(name);
    return it != entries_.end() && it->first == name ? it : entries_.end();
  }
  iterator find(std::string_view name) {
    const auto it = lower_bound(name);
    return it != entries_.end() && it->first == name ? it : entries_.end();
  }
  bool contains(std::string_view name) const { return find(name) != end(); }
  std::size_t count(std::string_view name) const { return contains(name) ? 1 : 0; }
  double at(std::string_view name) const {
    const auto it = find(name);
    if (it == end()) throw std::out_of_range("no counter " + std::string(name));
    return it->second;
  }
  double& operator[](std::string_view name) {
    const auto it = lower_bound(name);
    if (it != entries_.end() && it->first == name) return it->second;
    return entries_.emplace(it, std::string(name), 0.0)->second;
  }
  // Appends without a search when `name` sorts after every name held (the loader's usual case).
  void insert_or_assign(std::string name, double value) {
    if (entries_.empty() || entries_.back().first < name) {
      entries_.emplace_back(std::move(name), value);
      return;
    }
    (*this)[name] = value;
  }
  std::size_t erase(std::string_view name) {
    const auto it = find(name);
    if (it == end()) return 0;
    entries_.erase(it);
    return 1;
  }

  bool operator==(const CounterMap&) const = default;

 private:
  const_iterator lower_bound(std::string_view name) const {
    return std::lower_bound(entries_.begin(), entries_.end(), name,
                            [](const value_type& entry, std::string_view key) {
                              return std::string_view(entry.first) < key;
                            });
  }
  iterator lower_bound(std::string_view name) {
    return std::lower_bound(entries_.begin(), entries_.end(), name,
                            [](const value_type& entry, std::string_view key) {
                              return std::string_view(entry.first) < key;
                            });
  }

  std::vector<value_type> entries_;
};

}  // namespace gpubench
