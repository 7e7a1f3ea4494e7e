#include "model/spec_database.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "gpubench/errors.hpp"
#include "support/fuzz_inputs.hpp"
#include "support/test_support.hpp"

namespace gpubench {
namespace {

const SpecDatabase& tree_database() {
  static const SpecDatabase database = SpecDatabase::load_directory(GPUBENCH_SPECS_DIR);
  return database;
}

constexpr std::string_view kRequiredIds[] = {
    "rtx-4070", "l4", "rtx-4070-ti", "rtx-4090", "l40s", "rtx-3090", "a10", "t4", "a100-sxm4-80gb",
    "h100-sxm5", "h100-pcie", "h200-sxm",
    // Issue 25: the cards an RTX 4070 or L4 owner compares with today.
    "rtx-5070", "rtx-5070-ti", "rtx-5080", "rtx-5090", "rtx-4070-super", "rtx-pro-6000-blackwell",
    "rtx-pro-6000-blackwell-server", "rtx-pro-4000-blackwell", "rtx-pro-4000-blackwell-sff",
    "b200"};

TEST(SpecDatabase, HoldsEveryRequiredCard) {
  for (const auto id : kRequiredIds)
    EXPECT_NE(tree_database().find(id), nullptr) << id;
}

TEST(SpecDatabase, BuiltinCopyMatchesTheFilesInTheTree) {
  const auto& builtin = SpecDatabase::builtin().sheets();
  const auto& tree = tree_database().sheets();
  ASSERT_EQ(builtin.size(), tree.size()) << "re-run cmake after adding a sheet";
  for (std::size_t i = 0; i < tree.size(); ++i) {
    EXPECT_EQ(spec_sheet_to_json(builtin[i]), spec_sheet_to_json(tree[i])) << tree[i].id;
  }
}

TEST(SpecDatabase, TargetCardsAreEachOthersCounterpart) {
  EXPECT_EQ(tree_database().at("rtx-4070").counterpart, "l4");
  EXPECT_EQ(tree_database().at("l4").counterpart, "rtx-4070");
}

TEST(SpecDatabase, EveryValueHasASourceAndDerivedValuesSayHow) {
  for (const auto& sheet : tree_database().sheets()) {
    ASSERT_EQ(sheet.values.size(), kSpecKeys.size()) << sheet.id;
    for (const auto& [key, value] : sheet.values) {
      EXPECT_FALSE(value.source.empty()) << sheet.id << "." << key;
      if (value.derived) {
        const bool assumed = value.source.rfind("assumption:", 0) == 0;
        EXPECT_TRUE(value.source.rfind("derived:", 0) == 0 || assumed)
            << sheet.id << "." << key << " is marked derived but its source does not say how";
        if (assumed) {
          EXPECT_NE(value.note.find("UNCONFIRMED"), std::string::npos)
              << sheet.id << "." << key << " is an assumption without an UNCONFIRMED note";
        }
      }
    }
    // Each of these is a number, or explicitly unknown: null with an "undocumented:" source
    // saying which document is missing. Never silently null.
    for (const auto key :
         {"sm_count", "cuda_cores", "boost_clock_mhz", "memory_gb", "memory_bus_bits",
          "memory_bandwidth_gbs", "l2_cache_mb", "tdp_w", "fp32_tflops"}) {
      EXPECT_TRUE(sheet.number(key) || sheet.find(key)->undocumented())
          << sheet.id << "." << key << " must be documented or say it is not";
    }
  }
}

// Each documented peak against SMs x per-SM rate x boost clock from the one rate table: within 2%,
// or the sheet says why not. A unit the rate table says the architecture lacks must be null.
// A sheet whose architecture the rate table does not know (B200, sm_100), or whose SM count or
// boost clock no document gives, cannot be checked this way: every peak on it must then come from a
// document, none derived.
TEST(SpecDatabase, PeaksAgreeWithTheRateTable) {
  for (const auto& sheet : tree_database().sheets()) {
    const auto cc = sheet.compute_capability();
    ASSERT_TRUE(cc) << sheet.id;
    const auto sms = sheet.number("sm_count");
    const auto boost_mhz = sheet.number("boost_clock_mhz");
    const bool checkable = rate_table_knows(*cc) && sms && boost_mhz;
    for (const Throughput t : all_throughputs()) {
      const std::string key(spec_key(t));
      const SpecValue* value = sheet.find(key);
      ASSERT_NE(value, nullptr);
      const auto rate = ops_per_clock_per_sm(*cc, sheet.product_class, t);
      if (!checkable || !rate) {
        EXPECT_FALSE(value->derived && !value->is_null())
            << sheet.id << "." << key << " is derived, but there is no rate x SMs x clock to "
            << "derive it from";
      }
      if (!rate && rate_table_knows(*cc) && !rate_is_undocumented(*cc, sheet.product_class, t)) {
        EXPECT_TRUE(value->is_null()) << sheet.id << "." << key << ": the architecture lacks it";
        continue;
      }
      if (value->is_null()) {
        EXPECT_FALSE(value->note.empty() && !value->undocumented())
            << sheet.id << "." << key << " is null without a note";
        continue;
      }
      if (!checkable || !rate) continue;
      const double computed = *rate * *sms * *boost_mhz * 1e6 / 1e12;
      const double ratio = *value->number() / computed;
      if (std::fabs(ratio - 1) > 0.02) {
        EXPECT_FALSE(value->note.empty()) << sheet.id << "." << key << " = " << *value->number()
                                          << " but SMs x rate x boost = " << computed << " (ratio "
                                          << ratio << ") and no note explains why";
      }
    }
    const auto fp32_rate = ops_per_clock_per_sm(*cc, sheet.product_class, Throughput::kFp32);
    if (fp32_rate && sms) {
      EXPECT_DOUBLE_EQ(*sheet.number("cuda_cores"), *sms * *fp32_rate / 2) << sheet.id;
    }
  }
}

TEST(SpecDatabase, GeForceAndDatacenterDifferInFp32AccumulateTensorRate) {
  const SpecSheet& geforce = tree_database().at("rtx-4070");
  const SpecSheet& datacenter = tree_database().at("l4");
  EXPECT_EQ(geforce.product_class, ProductClass::kGeForce);
  EXPECT_EQ(datacenter.product_class, ProductClass::kDatacenter);
  const double geforce_ratio =
      *geforce.number("fp16_tensor_fp16acc_tflops") / *geforce.number("fp16_tensor_fp32acc_tflops");
  const double datacenter_ratio = *datacenter.number("fp16_tensor_fp16acc_tflops") /
                                  *datacenter.number("fp16_tensor_fp32acc_tflops");
  EXPECT_NEAR(geforce_ratio, 2.0, 0.02);
  EXPECT_NEAR(datacenter_ratio, 1.0, 0.02);
}

TEST(SpecDatabase, ShowJsonHasTheDocumentedShape) {
  const auto document = nlohmann::json::parse(spec_sheet_to_json(tree_database().at("l4")));
  EXPECT_EQ(document["id"], "l4");
  EXPECT_TRUE(document["name"].is_string());
  ASSERT_EQ(document["values"].size(), kSpecKeys.size());
  for (const auto key : kSpecKeys) {
    const auto& entry = document["values"][std::string(key)];
    EXPECT_TRUE(entry.contains("value")) << key;
    EXPECT_TRUE(entry["unit"].is_string()) << key;
    EXPECT_TRUE(entry["source"].is_string()) << key;
    EXPECT_TRUE(entry["derived"].is_boolean()) << key;
  }
}

TEST(SpecDatabase, UnknownIdNamesTheKnownOnes) {
  try {
    tree_database().at("rtx-9999");
    FAIL() << "expected UserError";
  } catch (const UserError& error) {
    EXPECT_NE(std::string(error.what()).find("rtx-4070"), std::string::npos) << error.what();
  }
}

TEST(SpecDatabase, CompareGivesRatios) {
  const auto rows = compare_sheets(tree_database().at("rtx-4070"), tree_database().at("l4"));
  ASSERT_EQ(rows.size(), kSpecKeys.size());
  for (const auto& row : rows) {
    if (row.key == "sm_count") {
      ASSERT_TRUE(row.ratio_a_to_b);
      EXPECT_DOUBLE_EQ(*row.ratio_a_to_b, *tree_database().at("rtx-4070").number("sm_count") /
                                              *tree_database().at("l4").number("sm_count"));
    }
    if (row.key == "chip") {
      EXPECT_FALSE(row.ratio_a_to_b);
    }
  }
}

// --- parsing: every broken sheet is refused with its origin and the problem.

using ordered_json = nlohmann::ordered_json;

ordered_json valid_sheet() {
  return ordered_json::parse(testing::read_file(std::string(GPUBENCH_SPECS_DIR) + "/l4.json"));
}

void expect_rejected(const ordered_json& sheet, std::string_view expected_words) {
  try {
    parse_spec_sheet(sheet.dump(), "broken.json");
    FAIL() << "accepted a sheet that should fail with: " << expected_words;
  } catch (const UserError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("broken.json"), std::string::npos) << message;
    EXPECT_NE(message.find(expected_words), std::string::npos) << message;
    EXPECT_EQ(error.code(), ExitCode::kBadInputOrNoGpu);
  }
}

TEST(SpecSheetParser, AcceptsTheValidSheet) {
  EXPECT_EQ(parse_spec_sheet(valid_sheet().dump(), "l4.json").id, "l4");
  auto blackwell = valid_sheet();  // the architecture name Blackwell sheets will carry
  blackwell["architecture"] = "blackwell";
  EXPECT_EQ(parse_spec_sheet(blackwell.dump(), "l4.json").architecture, "blackwell");
}

TEST(SpecSheetParser, RejectsBrokenSheets) {
  auto sheet = valid_sheet();
  sheet["values"].erase("tdp_w");
  expect_rejected(sheet, "values.tdp_w is missing");

  sheet = valid_sheet();
  sheet["values"]["sm_count"]["source"] = "";
  expect_rejected(sheet, "\"source\"");

  sheet = valid_sheet();
  sheet["values"]["sm_count"]["value"] = "58";
  expect_rejected(sheet, "number or null");

  sheet = valid_sheet();
  sheet["values"]["fp32_tflops"]["value"] = -1;
  expect_rejected(sheet, "positive");

  sheet = valid_sheet();  // "unknown" and a number at once
  sheet["values"]["tdp_w"]["source"] = "undocumented: no datasheet";
  expect_rejected(sheet, "needs a null value");

  sheet = valid_sheet();
  sheet["values"]["fp32_tflops"].erase("derived");
  expect_rejected(sheet, "derived");

  sheet = valid_sheet();
  sheet["pci_device_ids"] = {"27b8"};
  expect_rejected(sheet, "PCI device id");

  sheet = valid_sheet();
  sheet["product_class"] = "workstation";
  expect_rejected(sheet, "product_class");

  sheet = valid_sheet();
  sheet["schema_version"] = 2;
  expect_rejected(sheet, "schema_version 2");

  sheet = valid_sheet();
  sheet["values"]["bogus_key"] = sheet["values"]["tdp_w"];
  expect_rejected(sheet, "bogus_key");

  sheet = valid_sheet();
  sheet["extra"] = 1;
  expect_rejected(sheet, "unknown field");

  // Keys out of order: move chip to the end.
  sheet = valid_sheet();
  auto chip = sheet["values"]["chip"];
  sheet["values"].erase("chip");
  sheet["values"]["chip"] = chip;
  expect_rejected(sheet, "out of order");

  try {
    parse_spec_sheet("{\"schema_version\": 1, ", "broken.json");
    FAIL();
  } catch (const UserError& error) {
    EXPECT_NE(std::string(error.what()).find("not valid JSON"), std::string::npos);
  }
}

TEST(SpecSheetParser, DirectoryLoadRequiresIdToMatchFileName) {
  testing::TempDir dir;
  for (const auto& sheet : tree_database().sheets()) {
    dir.write(sheet.id + ".json",
              testing::read_file(std::string(GPUBENCH_SPECS_DIR) + "/" + sheet.id + ".json"));
  }
  EXPECT_NO_THROW(SpecDatabase::load_directory(dir.path()));
  std::filesystem::rename(dir.path() / "t4.json", dir.path() / "tesla-t4.json");
  EXPECT_THROW(SpecDatabase::load_directory(dir.path()), UserError);
}

TEST(SpecSheetParser, CounterpartMustExist) {
  testing::TempDir dir;
  auto sheet = valid_sheet();
  sheet["counterpart"] = "rtx-9999";
  dir.write("l4.json", sheet.dump());
  EXPECT_THROW(SpecDatabase::load_directory(dir.path()), UserError);
  EXPECT_THROW(SpecDatabase::load_directory(dir.path() / "missing"), UserError);
}

// A directory holding bad sheets among good ones: every good sheet is still read; each bad one, and
// each sheet whose counterpart went with it, is listed once with a printable reason naming it.
TEST(SpecSheetParser, DirectoryLoadKeepsTheGoodSheetsAndListsEachBadOne) {
  testing::TempDir dir;
  for (const auto& sheet : tree_database().sheets()) {
    dir.write(sheet.id + ".json",
              testing::read_file(std::string(GPUBENCH_SPECS_DIR) + "/" + sheet.id + ".json"));
  }
  dir.write("junk.json", std::string("\x1b[2J\xff\xfe{\"id\": \x07", 14));
  const std::string rtx4070 = testing::read_file(dir.path() / "rtx-4070.json");
  dir.write("rtx-4070.json", rtx4070.substr(0, rtx4070.size() / 2));  // cut short
  std::filesystem::rename(dir.path() / "a10.json", dir.path() / "a-ten.json");

  std::vector<BadSpecFile> bad;
  const SpecDatabase database = SpecDatabase::load_directory(dir.path(), bad);
  std::vector<std::string> good_ids;
  for (const auto& sheet : database.sheets())
    good_ids.push_back(sheet.id);
  EXPECT_EQ(good_ids,
            (std::vector<std::string>{"a100-sxm4-80gb", "b200", "h100-pcie", "h100-sxm5",
                                      "h200-sxm", "l40s", "rtx-4090", "rtx-5070-ti", "rtx-5080",
                                      "rtx-5090", "rtx-pro-4000-blackwell",
                                      "rtx-pro-6000-blackwell", "rtx-pro-6000-blackwell-server"}));
  // Bad in themselves: junk, cut short, id not the file name. Then by counterpart: l4,
  // rtx-4070-ti, rtx-4070-super and rtx-5070 (rtx-4070), t4 and rtx-pro-4000-blackwell-sff (l4),
  // rtx-3090 (a10).
  const std::map<std::string, std::string> expected = {
      {"a-ten.json", "must match the file name"},
      {"junk.json", "not valid JSON"},
      {"l4.json", "counterpart \"rtx-4070\""},
      {"rtx-3090.json", "counterpart \"a10\""},
      {"rtx-4070-super.json", "counterpart \"rtx-4070\""},
      {"rtx-4070-ti.json", "counterpart"},
      {"rtx-4070.json", "not valid JSON"},
      {"rtx-5070.json", "counterpart \"rtx-4070\""},
      {"rtx-pro-4000-blackwell-sff.json", "counterpart \"l4\""},
      {"t4.json", "counterpart \"l4\""}};
  ASSERT_EQ(bad.size(), expected.size());
  for (std::size_t i = 0; i < bad.size(); ++i) {
    const std::string name = bad[i].path.filename().string();
    ASSERT_TRUE(expected.contains(name)) << name << ": " << bad[i].reason;
    EXPECT_NE(bad[i].reason.find(expected.at(name)), std::string::npos) << bad[i].reason;
    EXPECT_EQ(testing::loader_message_problem(bad[i].reason, bad[i].path.string()), "")
        << bad[i].reason;
    if (i > 0) {
      EXPECT_LT(bad[i - 1].path, bad[i].path);
    }
  }
  try {
    SpecDatabase::load_directory(dir.path());
    FAIL() << "a directory with bad sheets must not load without listing them";
  } catch (const UserError& error) {
    for (const auto& [name, problem] : expected)
      EXPECT_NE(std::string(error.what()).find(name), std::string::npos) << error.what();
  }
}

// --- matching a present device to a sheet.

DeviceInfo device_named(std::string name, ComputeCapability cc = {8, 9}, int sms = 58) {
  DeviceInfo device;
  device.name = std::move(name);
  device.compute_capability = cc;
  device.sm_count = sms;
  device.sm_clock_mhz = 2040;
  device.memory_clock_mhz = 6251;
  device.memory_bus_bits = 192;
  device.memory_bytes = std::int64_t{22} << 30;
  device.l2_cache_bytes = std::int64_t{48} << 20;
  return device;
}

TEST(MatchDevice, PciDeviceIdComesFirst) {
  const SpecSheet& rtx_4070 = tree_database().at("rtx-4070");
  ASSERT_FALSE(rtx_4070.pci_device_ids.empty());
  DeviceInfo device = device_named("Some OEM name");
  device.nvml = NvmlDeviceReport{};
  device.nvml->pci_device_id = rtx_4070.pci_device_ids.front();
  const SpecMatch match = match_device(tree_database(), device);
  EXPECT_EQ(match.sheet.id, "rtx-4070");
  EXPECT_EQ(match.how, SpecMatch::How::kPciDeviceId);
  EXPECT_TRUE(match.warning.empty());
}

TEST(MatchDevice, ExactNameSecond) {
  for (const auto& sheet : tree_database().sheets()) {
    for (const auto& name : sheet.names) {
      const SpecMatch match = match_device(tree_database(), device_named(name));
      EXPECT_EQ(match.sheet.id, sheet.id) << name;
      EXPECT_EQ(match.how, SpecMatch::How::kName);
    }
  }
  // "RTX 4070" must not swallow "RTX 4070 Ti".
  EXPECT_EQ(match_device(tree_database(), device_named("NVIDIA GeForce RTX 4070 Ti")).sheet.id,
            "rtx-4070-ti");
}

TEST(MatchDevice, NameMatchWithAnUnknownPciIdWarns) {
  DeviceInfo device = device_named("NVIDIA L4");
  device.nvml = NvmlDeviceReport{};
  device.nvml->pci_device_id = 0xffff;
  const SpecMatch match = match_device(tree_database(), device);
  EXPECT_EQ(match.sheet.id, "l4");
  EXPECT_FALSE(match.warning.empty());
}

TEST(MatchDevice, UnknownCardGetsADerivedSheetAndAWarning) {
  const SpecMatch match = match_device(tree_database(), device_named("NVIDIA RTX Future 9000"));
  EXPECT_EQ(match.how, SpecMatch::How::kDerivedFromDevice);
  EXPECT_TRUE(match.sheet.derived_from_device);
  EXPECT_NE(match.warning.find("not in the documented-spec database"), std::string::npos);
  ASSERT_EQ(match.sheet.values.size(), kSpecKeys.size());
  for (const auto& [key, value] : match.sheet.values) {
    EXPECT_TRUE(value.derived) << key;
    EXPECT_FALSE(value.source.empty()) << key;
  }
  // 58 SMs x 256 FLOP/clk x 2040 MHz; bandwidth 2 x 6251 MHz x 192 bit / 8.
  EXPECT_NEAR(*match.sheet.number("fp32_tflops"), 58 * 256 * 2040e6 / 1e12, 1e-9);
  EXPECT_NEAR(*match.sheet.number("memory_bandwidth_gbs"), 2 * 6251e6 * 24 / 1e9, 1e-9);
  EXPECT_EQ(*match.sheet.number("cuda_cores"), 58 * 128);
  // A derived sheet still round-trips through the JSON the CLI prints.
  EXPECT_TRUE(nlohmann::json::parse(spec_sheet_to_json(match.sheet)).is_object());
}

TEST(MatchDevice, ArchitectureOutsideTheRateTableDoesNotCrash) {
  const SpecMatch match =
      match_device(tree_database(), device_named("NVIDIA Next", ComputeCapability{10, 0}, 100));
  EXPECT_EQ(match.how, SpecMatch::How::kDerivedFromDevice);
  EXPECT_FALSE(match.sheet.number("fp32_tflops"));
  EXPECT_NE(match.sheet.find("fp32_tflops")->note.find("no entry for sm_100"), std::string::npos);
  EXPECT_TRUE(match.sheet.number("sm_count"));
}

// A GeForce Blackwell card without a sheet (an RTX 5060, say) gets sm_120's per-SM rates; the
// SM count and clock here are arbitrary test inputs, not the card's. Rates no document gives stay
// unknown, with a note, rather than borrowed from Ada.
TEST(MatchDevice, UnknownGeForceBlackwellGetsSm120Rates) {
  DeviceInfo device = device_named("NVIDIA GeForce RTX 5060", ComputeCapability{12, 0}, 30);
  device.sm_clock_mhz = 2500;
  const SpecMatch match = match_device(tree_database(), device);
  ASSERT_EQ(match.how, SpecMatch::How::kDerivedFromDevice);
  const SpecSheet& sheet = match.sheet;
  EXPECT_EQ(sheet.architecture, "blackwell");
  EXPECT_EQ(sheet.product_class, ProductClass::kGeForce);
  const double sms_x_clock = 30 * 2500e6 / 1e12;
  EXPECT_NEAR(*sheet.number("fp32_tflops"), 256 * sms_x_clock, 1e-9);
  EXPECT_NEAR(*sheet.number("fp16_tensor_fp16acc_tflops"), 1024 * sms_x_clock, 1e-9);
  EXPECT_NEAR(*sheet.number("fp16_tensor_fp32acc_tflops"), 512 * sms_x_clock, 1e-9);
  EXPECT_NEAR(*sheet.number("bf16_tensor_tflops"), 512 * sms_x_clock, 1e-9);
  EXPECT_NEAR(*sheet.number("fp8_tensor_fp16acc_tflops"), 2048 * sms_x_clock, 1e-9);
  EXPECT_NEAR(*sheet.number("fp8_tensor_fp32acc_tflops"), 1024 * sms_x_clock, 1e-9);
  EXPECT_EQ(*sheet.number("cuda_cores"), 30 * 128);
  EXPECT_EQ(*sheet.number("tensor_cores"), 30 * 4);
  for (const auto key : {"int8_tensor_tops", "tf32_tensor_tflops", "fp64_tflops"}) {
    EXPECT_FALSE(sheet.number(key)) << key;
    EXPECT_NE(sheet.find(key)->note.find("unknown"), std::string::npos) << key;
  }
  // The RTX PRO Blackwell cards run FP32-accumulate FP16 tensor math at the full rate.
  const SpecMatch pro = match_device(
      tree_database(), device_named("NVIDIA RTX PRO 2000 Blackwell", ComputeCapability{12, 0}, 30));
  EXPECT_NEAR(*pro.sheet.number("fp16_tensor_fp32acc_tflops"), 1024 * 30 * 2040e6 / 1e12, 1e-9);
}

TEST(MatchDevice, GeForceNameSelectsTheHalfRateColumn) {
  const SpecMatch geforce = match_device(tree_database(), device_named("NVIDIA GeForce RTX 4075"));
  const SpecMatch datacenter = match_device(tree_database(), device_named("NVIDIA L5"));
  EXPECT_DOUBLE_EQ(*geforce.sheet.number("fp16_tensor_fp32acc_tflops") * 2,
                   *datacenter.sheet.number("fp16_tensor_fp32acc_tflops"));
}

}  // namespace
}  // namespace gpubench
