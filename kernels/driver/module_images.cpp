#include "kernels/driver/module_images.hpp"

#include <cctype>
#include <stdexcept>

namespace gpubench::driver {

const CubinImage* cubin_for(std::span<const CubinImage> cubins, int sm) {
  const std::string exact = std::to_string(sm);
  const CubinImage* variant = nullptr;
  for (const CubinImage& cubin : cubins) {
    if (cubin.arch == exact) return &cubin;
    const bool arch_specific = cubin.arch.size() == exact.size() + 1 &&
                               cubin.arch.starts_with(exact) &&
                               std::isalpha(static_cast<unsigned char>(cubin.arch.back())) != 0;
    if (variant == nullptr && arch_specific) variant = &cubin;
  }
  return variant;
}

std::string ptx_with_nonce(std::string_view ptx, std::uint32_t nonce) {
  // nvcc declares a zero-initialised __device__ variable without an initialiser.
  constexpr std::string_view kDeclaration = ".u32 gpubench_jit_nonce;";
  const std::size_t at = ptx.find(kDeclaration);
  if (at == std::string_view::npos) {
    throw std::invalid_argument(
        "the embedded PTX has no \".u32 gpubench_jit_nonce;\" declaration to give a nonce");
  }
  std::string text;
  text.reserve(ptx.size() + 16);
  text.append(ptx.substr(0, at));
  text.append(".u32 gpubench_jit_nonce = ");
  text.append(std::to_string(nonce));
  text.append(";");
  text.append(ptx.substr(at + kDeclaration.size()));
  return text;
}

}  // namespace gpubench::driver
