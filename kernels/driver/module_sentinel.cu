// The kernel of the module-load rows, built at build time into one cubin per architecture and
// into PTX (see kernels/CMakeLists.txt), embedded as data and loaded with cuModuleLoadData. It is
// never compiled into the gpubench binary itself.
//
// gpubench_jit_nonce is zero in the cubin. The PTX row rewrites its declaration to a new value
// before each load, so every load is PTX the driver has never seen (its JIT cache cannot serve
// it), and the kernel's output proves that the module loaded is the one with that value.

__device__ unsigned gpubench_jit_nonce;

extern "C" __global__ void gpubench_module_sentinel(unsigned* out) {
  *out = gpubench_jit_nonce + 1u;
}
