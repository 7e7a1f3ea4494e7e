// The driver suite's code-loading rows: cuModuleLoadData + cuModuleGetFunction of a cubin and of
// PTX the driver must JIT, and cuBLAS's handle creation and first GEMM against its steady state.
// Every loaded module runs its sentinel kernel and every GEMM's output is compared with the CPU's
// before the next sample.

#include <cublas_v2.h>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "harness/cublas_gemm.hpp"
#include "harness/suites/driver_rows.hpp"
#include "kernels/common/hash.hpp"
#include "kernels/driver/driver_api.hpp"
#include "kernels/driver/module_images.hpp"

namespace gpubench::driver_suite {
namespace {

int device_sm(const SuiteContext& context) {
  return context.device().compute_capability.major * 10 + context.device().compute_capability.minor;
}

// A nonce no earlier load, in this process or a previous run, has used: the JIT cache on disk
// outlives the process. Below 2^31, so the sentinel's nonce + 1 never wraps to the cleared 0.
std::uint32_t next_jit_nonce() {
  static const std::uint32_t process_seed = common::mix(
      static_cast<std::uint32_t>(::getpid()) ^
      static_cast<std::uint32_t>(std::chrono::system_clock::now().time_since_epoch().count()));
  static std::uint32_t loads = 0;
  return (process_seed + loads++) & 0x7fffffffu;
}

// Runs the sentinel of the module just loaded, unloads it, and checks what the sentinel wrote.
void check_and_unload(const driver::ModuleApi& api, driver::LoadedModule& loaded, unsigned* out,
                      cudaStream_t stream, std::uint32_t nonce, const DriverRow& row) {
  unsigned wrote = 0;
  const CUmodule module = std::exchange(loaded.module, nullptr);
  try {
    GPUBENCH_CUDA_CHECK(cudaMemsetAsync(out, 0, sizeof(unsigned), stream));
    api.run_sentinel(loaded.sentinel, out, stream);
    GPUBENCH_CUDA_CHECK(cudaMemcpy(&wrote, out, sizeof wrote, cudaMemcpyDeviceToHost));
  } catch (...) {
    api.unload(module);
    throw;
  }
  api.unload(module);
  if (wrote != driver::sentinel_value(nonce)) {
    throw VerificationError(fmt::format(
        "{}: the loaded module's kernel wrote {}, the module built with nonce {} writes {}",
        row.name, wrote, nonce, driver::sentinel_value(nonce)));
  }
}

// cuBLAS handle, destroyed with its owner.
class CublasHandle {
 public:
  explicit CublasHandle(cudaStream_t stream) {
    GPUBENCH_CUBLAS_CHECK(cublasCreate(&handle_));
    if (stream != nullptr) GPUBENCH_CUBLAS_CHECK(cublasSetStream(handle_, stream));
  }
  ~CublasHandle() { cublasDestroy(handle_); }
  CublasHandle(const CublasHandle&) = delete;
  CublasHandle& operator=(const CublasHandle&) = delete;
  cublasHandle_t get() const { return handle_; }

 private:
  cublasHandle_t handle_ = nullptr;
};

// The GEMM rows' operands on the device and the CPU's C, made once per run.
struct GemmOperands {
  int size = 0;
  DeviceBuffer<float> a, b, c;
  std::vector<float> expected;
  std::vector<float> read_back;
};

std::shared_ptr<GemmOperands> make_operands(int size) {
  auto made = std::make_shared<GemmOperands>();
  made->size = size;
  const auto elements = static_cast<std::size_t>(size) * static_cast<std::size_t>(size);
  made->a = DeviceBuffer<float>(elements);
  made->b = DeviceBuffer<float>(elements);
  made->c = DeviceBuffer<float>(elements);
  std::vector<float> host(elements);
  for (int which = 0; which < 2; ++which) {
    for (std::size_t i = 0; i < elements; ++i)
      host[i] = gemm_operand(which, i);
    GPUBENCH_CUDA_CHECK(cudaMemcpy(which == 0 ? made->a.get() : made->b.get(), host.data(),
                                   elements * sizeof(float), cudaMemcpyHostToDevice));
  }
  made->expected = gemm_reference(size);
  made->read_back.resize(elements);
  return made;
}

void clear_c(const GemmOperands& operands, cudaStream_t stream) {
  GPUBENCH_CUDA_CHECK(cudaMemsetAsync(operands.c.get(), 0, operands.c.bytes(), stream));
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
}

void sgemm_and_wait(cublasHandle_t handle, const GemmOperands& operands, cudaStream_t stream) {
  const float alpha = 1.0f;
  const float beta = 0.0f;
  const int n = operands.size;
  GPUBENCH_CUBLAS_CHECK(cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &alpha,
                                    operands.a.get(), n, operands.b.get(), n, &beta,
                                    operands.c.get(), n));
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));
}

void check_c(GemmOperands& operands, const DriverRow& row) {
  GPUBENCH_CUDA_CHECK(cudaMemcpy(operands.read_back.data(), operands.c.get(), operands.c.bytes(),
                                 cudaMemcpyDeviceToHost));
  for (std::size_t i = 0; i < operands.expected.size(); ++i) {
    if (operands.read_back[i] != operands.expected[i]) {
      throw VerificationError(
          fmt::format("{}: C[{}] is {}, the CPU's is {} (exact: small integers)", row.name, i,
                      operands.read_back[i], operands.expected[i]));
    }
  }
}

}  // namespace

bool module_cubin_available(const SuiteContext& context) {
  return driver::cubin_for(driver::embedded_cubins(), device_sm(context)) != nullptr;
}

// The timed call is cuModuleLoadData and cuModuleGetFunction together (ModuleApi::load): under lazy
// loading the first alone times half a load. The label says which loading mode the driver used.
void module_row(benchmark::State& state, SuiteContext& context, const DriverRow& row) {
  cudaStream_t stream = context.stream();
  const driver::ModuleApi api;
  DeviceBuffer<unsigned> out(1);
  driver::LoadedModule loaded;
  std::uint32_t nonce = 0;  // the cubin's
  std::string ptx;
  HostCall host;
  if (row.kind == DriverRowKind::kModuleCubin) {
    const driver::CubinImage* cubin =
        driver::cubin_for(driver::embedded_cubins(), device_sm(context));
    if (cubin == nullptr) throw std::runtime_error("no cubin for this device");
    host.call = [&] { loaded = api.load(cubin->bytes.data()); };
  } else {
    host.prepare = [&] {
      nonce = next_jit_nonce();
      ptx = driver::ptx_with_nonce(driver::embedded_ptx(), nonce);
    };
    host.call = [&] { loaded = api.load(ptx.c_str()); };
  }
  host.finish = [&] { check_and_unload(api, loaded, out.get(), stream, nonce, row); };
  const TimedLaunches timed = time_host_calls(state, host, host_policy(context));
  report(state, row, timed);
  set_label(state, timed, module_load_label(api.loading_mode()));
}

void cublas_row(benchmark::State& state, SuiteContext& context, const DriverRow& row) {
  cudaStream_t stream = context.stream();
  HostCall host;
  std::optional<CublasHandle> handle;
  if (row.kind == DriverRowKind::kCublasCreate) {
    cublasHandle_t created = nullptr;
    host.call = [&] { GPUBENCH_CUBLAS_CHECK(cublasCreate(&created)); };
    host.finish = [&] { GPUBENCH_CUBLAS_CHECK(cublasDestroy(std::exchange(created, nullptr))); };
    report(state, row, time_host_calls(state, host, host_policy(context)));
    return;
  }
  GemmOperands& operands = context.cached<GemmOperands>(
      fmt::format("driver:sgemm:{}", row.gemm_size), [&] { return make_operands(row.gemm_size); });
  if (row.kind == DriverRowKind::kCublasFirstGemm) {
    host.prepare = [&] {
      handle.emplace(stream);
      clear_c(operands, stream);
    };
    host.finish = [&] {
      handle.reset();
      check_c(operands, row);
    };
  } else {
    handle.emplace(stream);
    host.prepare = [&] { clear_c(operands, stream); };
    host.finish = [&] { check_c(operands, row); };
  }
  host.call = [&] { sgemm_and_wait(handle->get(), operands, stream); };
  report(state, row, time_host_calls(state, host, host_policy(context)));
}

}  // namespace gpubench::driver_suite
