// The driver suite's device side: the embedded module images and picking one (CPU), that gpubench
// reaches the driver API without linking libcuda (CPU), and on a device the count kernels, the
// counting graph and loading each image (skipped without a GPU).
#include "kernels/driver/driver_kernels.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "harness/device_buffer.hpp"
#include "kernels/common/cuda_device.hpp"
#include "kernels/driver/driver_api.hpp"
#include "kernels/driver/module_images.hpp"
#include "model/driver_plan.hpp"
#include "support/test_support.hpp"

namespace gpubench::driver {
namespace {

TEST(ModuleImages, PtxDeclaresTheSentinelAndTheNonce) {
  const std::string_view ptx = embedded_ptx();
  EXPECT_NE(ptx.find(".entry gpubench_module_sentinel"), std::string_view::npos);
  EXPECT_NE(ptx.find(".u32 gpubench_jit_nonce;"), std::string_view::npos);
  EXPECT_EQ(ptx.find('\0'), std::string_view::npos);
  EXPECT_EQ(ptx.data()[ptx.size()], '\0');  // cuModuleLoadData reads PTX up to its NUL
}

TEST(ModuleImages, EachNonceMakesDifferentPtxThatKeepsEverythingElse) {
  const std::string ptx = std::string(embedded_ptx());
  const std::string first = ptx_with_nonce(ptx, 1);
  const std::string second = ptx_with_nonce(ptx, 2);
  EXPECT_NE(first, second);
  EXPECT_NE(first.find(".u32 gpubench_jit_nonce = 1;"), std::string::npos);
  EXPECT_EQ(first.find(".u32 gpubench_jit_nonce;"), std::string::npos);
  EXPECT_EQ(first.size(), ptx.size() + 4);  // " = 1" and nothing else
  EXPECT_NE(first.find(".entry gpubench_module_sentinel"), std::string::npos);
  EXPECT_THROW(ptx_with_nonce(".version 9.0\n.target sm_75\n", 1), std::invalid_argument);
  EXPECT_EQ(sentinel_value(0), 1u);
  EXPECT_EQ(sentinel_value(41), 42u);
}

TEST(ModuleImages, EveryBuiltArchitectureHasACudaElfCubin) {
  const auto cubins = embedded_cubins();
  ASSERT_FALSE(cubins.empty());
  std::set<std::string_view> archs;
  for (const CubinImage& cubin : cubins) {
    EXPECT_TRUE(archs.insert(cubin.arch).second) << cubin.arch;
    ASSERT_GT(cubin.bytes.size(), 64u) << cubin.arch;
    EXPECT_EQ(cubin.bytes[0], 0x7f);
    EXPECT_EQ(cubin.bytes[1], 'E');
    EXPECT_EQ(cubin.bytes[2], 'L');
    EXPECT_EQ(cubin.bytes[3], 'F');
    EXPECT_EQ(cubin.bytes[18] | (cubin.bytes[19] << 8), 190) << cubin.arch;  // EM_CUDA
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(cubin.bytes.data()) % 8, 0u);
    EXPECT_EQ(cubin_for(cubins, std::stoi(std::string(cubin.arch))), &cubin) << cubin.arch;
  }
  // The target cards' architecture is in every build configuration gpubench ships.
  EXPECT_NE(cubin_for(cubins, 89), nullptr);
}

TEST(ModuleImages, CubinChoiceIsExactThenTheArchSpecificVariant) {
  const std::array<unsigned char, 1> byte = {0};
  const std::vector<CubinImage> cubins = {{"80", byte}, {"90a", byte}, {"100", byte}};
  EXPECT_EQ(cubin_for(cubins, 80), &cubins[0]);
  EXPECT_EQ(cubin_for(cubins, 90), &cubins[1]);
  EXPECT_EQ(cubin_for(cubins, 100), &cubins[2]);
  EXPECT_EQ(cubin_for(cubins, 86), nullptr);  // no cubin runs on another minor's guess
  EXPECT_EQ(cubin_for(cubins, 10), nullptr);  // "100" is not a variant of "10"
  EXPECT_EQ(cubin_for({}, 89), nullptr);
}

// The runtime is linked statically so gpubench starts without a driver: the module rows' driver
// calls must not have added libcuda to what the binary needs at load time.
TEST(DriverApi, GpubenchDoesNotLinkLibcuda) {
  const std::string command = "readelf -d '" GPUBENCH_EXE "' 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  ASSERT_NE(pipe, nullptr);
  std::string output;
  std::array<char, 4096> buffer{};
  while (fgets(buffer.data(), buffer.size(), pipe.get()) != nullptr)
    output += buffer.data();
  ASSERT_NE(output.find("(NEEDED)"), std::string::npos) << output;
  EXPECT_EQ(output.find("libcuda."), std::string::npos) << output;
}

TEST(DriverApi, WithoutADriverResolvingFailsInsteadOfCrashing) {
  if (testing::gpu_present()) GPUBENCH_SKIP_OTHER_HARDWARE("a driver is present");
  EXPECT_ANY_THROW(ModuleApi());
}

// --- on a device

TEST(DriverKernelsGpu, EachLaunchCountsOnce) {
  GPUBENCH_REQUIRE_GPU();
  DeviceBuffer<unsigned> counters(8);
  GPUBENCH_CUDA_CHECK(cudaMemset(counters.get(), 0, counters.bytes()));
  for (int i = 0; i < 5; ++i)
    launch_count_kernel(counters.get(), nullptr);
  launch_count_kernels(counters.get() + 1, 7, nullptr);
  launch_count_kernels(counters.get() + 1, 3, nullptr);
  std::vector<unsigned> host(8);
  GPUBENCH_CUDA_CHECK(
      cudaMemcpy(host.data(), counters.get(), counters.bytes(), cudaMemcpyDeviceToHost));
  EXPECT_EQ(host, (std::vector<unsigned>{5, 2, 2, 2, 1, 1, 1, 1}));
}

TEST(DriverKernelsGpu, TheGraphReplaysEveryKernelOncePerLaunch) {
  GPUBENCH_REQUIRE_GPU();
  OwnedStream stream;
  DeviceBuffer<unsigned> counters(32);
  GPUBENCH_CUDA_CHECK(cudaMemset(counters.get(), 0, counters.bytes()));
  {
    const CountingGraph graph(counters.get(), 32, stream.get());
    EXPECT_EQ(graph.kernels(), 32);
    for (int i = 0; i < 3; ++i)
      graph.launch(stream.get());
    GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream.get()));
  }
  std::vector<unsigned> host(32);
  GPUBENCH_CUDA_CHECK(
      cudaMemcpy(host.data(), counters.get(), counters.bytes(), cudaMemcpyDeviceToHost));
  EXPECT_EQ(host, std::vector<unsigned>(32, 3u));
}

TEST(DriverModulesGpu, TheCubinAndNoncedPtxLoadAndRunTheirSentinel) {
  GPUBENCH_REQUIRE_GPU();
  const int sm = current_device_sm();
  GPUBENCH_CUDA_CHECK(cudaFree(nullptr));
  const ModuleApi api;
  DeviceBuffer<unsigned> out(1);
  unsigned wrote = 0;
  if (const CubinImage* cubin = cubin_for(embedded_cubins(), sm)) {
    const LoadedModule loaded = api.load(cubin->bytes.data());
    ASSERT_NE(loaded.sentinel, nullptr) << "load() gets the kernel too (lazy loading)";
    api.run_sentinel(loaded.sentinel, out.get(), nullptr);
    api.unload(loaded.module);
    GPUBENCH_CUDA_CHECK(cudaMemcpy(&wrote, out.get(), sizeof wrote, cudaMemcpyDeviceToHost));
    EXPECT_EQ(wrote, sentinel_value(0));
  }
  const std::string ptx = ptx_with_nonce(embedded_ptx(), 123456);
  const LoadedModule loaded = api.load(ptx.c_str());
  api.run_sentinel(loaded.sentinel, out.get(), nullptr);
  api.unload(loaded.module);
  GPUBENCH_CUDA_CHECK(cudaMemcpy(&wrote, out.get(), sizeof wrote, cudaMemcpyDeviceToHost));
  EXPECT_EQ(wrote, sentinel_value(123456));
  EXPECT_THROW(api.load("not a module"), DriverError);
  // Every supported driver (R535+) has cuModuleGetLoadingMode (11.7+); CUDA_MODULE_LOADING decides.
  const std::string mode = api.loading_mode();
  EXPECT_TRUE(mode == "lazy" || mode == "eager") << mode;
}

// The loading mode's words, on the CPU: each documented value, and an error or an unknown value
// said as such rather than taken for one of them.
TEST(DriverApi, LoadingModeNamesEachAnswer) {
  EXPECT_EQ(loading_mode_name(CUDA_SUCCESS, CU_MODULE_LAZY_LOADING), "lazy");
  EXPECT_EQ(loading_mode_name(CUDA_SUCCESS, CU_MODULE_EAGER_LOADING), "eager");
  EXPECT_EQ(loading_mode_name(CUDA_SUCCESS, static_cast<CUmoduleLoadingMode>(3)), "unknown (3)");
  EXPECT_EQ(loading_mode_name(CUDA_ERROR_INVALID_VALUE, CU_MODULE_LAZY_LOADING).rfind("unknown", 0),
            0u);
  EXPECT_EQ(module_load_label("lazy"),
            "cuModuleLoadData + cuModuleGetFunction; module loading lazy");
}

}  // namespace
}  // namespace gpubench::driver
