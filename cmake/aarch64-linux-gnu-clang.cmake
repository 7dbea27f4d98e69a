# As aarch64-linux-gnu.cmake, with clang (the compiler family of Apple's toolchain) in place of
# g++: clang targets AArch64 itself and uses the headers, libraries and linker of Debian's
# g++-aarch64-linux-gnu.
include(${CMAKE_CURRENT_LIST_DIR}/aarch64-linux-gnu.cmake)
set(CMAKE_C_COMPILER clang)
set(CMAKE_CXX_COMPILER clang++)
set(CMAKE_C_COMPILER_TARGET aarch64-linux-gnu)
set(CMAKE_CXX_COMPILER_TARGET aarch64-linux-gnu)
