// A heap array aligned for 512-bit loads; movable, not copyable.
#pragma once
#include <cstddef>
#include <cstdlib>
#include <new>
#include <utility>
#if defined(__linux__)
#include <sys/mman.h>
#elif defined(_WIN32)
#include <malloc.h>
#endif

namespace albert {

template <typename T>
class AlignedBuffer {
 public:
  static constexpr std::size_t kAlignment = 64;
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;

  AlignedBuffer() = default;
  explicit AlignedBuffer(std::size_t count) { resize(count); }
  ~AlignedBuffer() { release(data_); }
  AlignedBuffer(AlignedBuffer&& other) noexcept { swap(other); }
  AlignedBuffer& operator=(AlignedBuffer&& other) noexcept {
    AlignedBuffer(std::move(other)).swap(*this);
    return *this;
  }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;

  // Discards the contents (new memory is uninitialised).
  void resize(std::size_t count) {
    if (count == size_) return;
    release(data_);
    data_ = nullptr;
    size_ = 0;
    if (count == 0) return;
    const std::size_t bytes = count * sizeof(T);
    const std::size_t alignment = bytes >= kHugePage ? kHugePage : kAlignment;
    data_ = static_cast<T*>(allocate(alignment, (bytes + alignment - 1) / alignment * alignment));
    if (!data_) throw std::bad_alloc();
    size_ = count;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    // Packed weights and activations are streamed start to end: 2 MB pages spare the TLB
    // (a 28 MB weight set is 14 pages instead of 7,000). Only a hint; ignored without THP.
    if (alignment == kHugePage) madvise(data_, (bytes + kHugePage - 1) / kHugePage * kHugePage, MADV_HUGEPAGE);
#endif
  }

  // Scratch use: at least `count` elements, reallocating only to grow (contents are not kept
  // across a reallocation), so steady-state calls do not allocate.
  T* at_least(std::size_t count) {
    if (size_ < count) resize(count);
    return data_;
  }

  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return size_; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }

  void swap(AlignedBuffer& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
  }

 private:
  // Windows' C library has no aligned_alloc; its aligned blocks need their own free.
  static void* allocate(std::size_t alignment, std::size_t bytes) {
#if defined(_WIN32)
    return _aligned_malloc(bytes, alignment);
#else
    return std::aligned_alloc(alignment, bytes);
#endif
  }
  static void release(void* p) {
#if defined(_WIN32)
    _aligned_free(p);
#else
    std::free(p);
#endif
  }

  T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace albert
