# Install and package (included from the top-level CMakeLists.txt, so CPack's configuration lands
# in the build tree's root): one binary (spec sheets and plot scripts are compiled in), so an
# installed gpubench works from any directory; it keeps the CUDA libraries' directory in its run
# path. `cmake --install BUILD --prefix PREFIX`; `cpack --config BUILD/CPackConfig.cmake` (.deb).
include(GNUInstallDirs)
set_target_properties(gpubench PROPERTIES INSTALL_RPATH_USE_LINK_PATH TRUE)
install(TARGETS gpubench RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
# The README links into docs/ (its picture included), so the pages travel with it.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs DESTINATION ${CMAKE_INSTALL_DOCDIR})
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME gpubench)
set(CPACK_PACKAGE_VENDOR gpubench)
set(CPACK_PACKAGE_CONTACT "gpubench maintainers <gpubench@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "GPU microbenchmarks against documented specs: memory, compute, GEMM, driver paths")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Debian's libraries (fmt, google/benchmark, simdjson) become Depends; the CUDA toolkit's libcublas is not a
# Debian package here, so it is named in the description rather than depended on.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${CUDAToolkit_LIBRARY_DIR})
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3-matplotlib")
set(CPACK_PACKAGE_DESCRIPTION
  "Needs the NVIDIA driver and the CUDA ${CUDAToolkit_VERSION_MAJOR} cuBLAS libraries at run time.")
include(CPack)
