// dtype.h — the element types of tensord, from one X-macro list.
//
// Everything that depends on the set of dtypes (the enum, names, sizes, the
// C++ type, the dispatch switch and type promotion) is generated from
// TENSORD_FORALL_DTYPES, so adding a dtype means adding one line.
//
//   DType t = DType::kFloat32;
//   TENSORD_DISPATCH_ALL(t, scalar_t, { scalar_t* p = ...; });
//   PromoteTypes(DType::kInt64, DType::kFloat32) == DType::kFloat32
#ifndef TENSORD_CORE_DTYPE_H_
#define TENSORD_CORE_DTYPE_H_

#include <complex>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>

#include "absl/strings/string_view.h"

namespace tensord {

using complex64 = std::complex<float>;
using complex128 = std::complex<double>;

// IEEE binary16 and bfloat16 as 16-bit storage. The core computes nothing
// in them: RunOp (op_table.cc) runs every op on float32 copies and rounds
// the results back, which is what PyTorch's CPU kernels do for these types
// (they compute in float and round each output). Conversions round to
// nearest even, as c10::Half and c10::BFloat16 do; from double they go
// through float, as PyTorch's do.
struct Half {
  uint16_t bits = 0;
  Half() = default;
  explicit Half(float f) {
    _Float16 h = static_cast<_Float16>(f);
    __builtin_memcpy(&bits, &h, 2);
  }
  explicit operator float() const {
    _Float16 h;
    __builtin_memcpy(&h, &bits, 2);
    return static_cast<float>(h);
  }
};
struct BFloat16 {
  uint16_t bits = 0;
  BFloat16() = default;
  explicit BFloat16(float f) {
    uint32_t u;
    __builtin_memcpy(&u, &f, 4);
    if (f != f) {
      bits = 0x7FC0;  // the quiet NaN PyTorch makes
    } else {
      bits = static_cast<uint16_t>((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
    }
  }
  explicit operator float() const {
    uint32_t u = static_cast<uint32_t>(bits) << 16;
    float f;
    __builtin_memcpy(&f, &u, 4);
    return f;
  }
};
// True for complex64 and complex128.
template <typename T>
inline constexpr bool kIsComplex =
    std::is_same_v<T, complex64> || std::is_same_v<T, complex128>;
template <typename T>
inline constexpr bool kIsReduced =
    std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>;

// V(enum name, C++ type, torch name, short name used in legacy type
//   strings, the wire's enum name in tensord.v1 (proto/tensord/v1))
// The last column is for code that sees the generated protobuf (the
// server, the client, the Python package); the core ignores it. The wire
// enum's numbers are the proto's; nothing else lists the dtypes.
#define TENSORD_FORALL_DTYPES(V)                                         \
  V(kBool, bool, "bool", "Bool", DTYPE_BOOL)                             \
  V(kInt32, int32_t, "int32", "Int", DTYPE_INT32)                        \
  V(kInt64, int64_t, "int64", "Long", DTYPE_INT64)                       \
  V(kFloat32, float, "float32", "Float", DTYPE_FLOAT32)                  \
  V(kFloat64, double, "float64", "Double", DTYPE_FLOAT64)                \
  V(kComplex64, complex64, "complex64", "ComplexFloat", DTYPE_COMPLEX64) \
  V(kFloat16, Half, "float16", "Half", DTYPE_FLOAT16)                    \
  V(kBFloat16, BFloat16, "bfloat16", "BFloat16", DTYPE_BFLOAT16)         \
  V(kInt8, int8_t, "int8", "Char", DTYPE_INT8)                           \
  V(kUInt8, uint8_t, "uint8", "Byte", DTYPE_UINT8)                       \
  V(kInt16, int16_t, "int16", "Short", DTYPE_INT16)                      \
  V(kComplex128, complex128, "complex128", "ComplexDouble", DTYPE_COMPLEX128)

enum class DType : int8_t {
#define TENSORD_DTYPE_ENUM(e, T, n, s, w) e,
  TENSORD_FORALL_DTYPES(TENSORD_DTYPE_ENUM)
#undef TENSORD_DTYPE_ENUM
};

inline constexpr int kNumDTypes = 12;

template <typename T>
struct DTypeOf;
#define TENSORD_DTYPE_OF(e, T, n, s, w)      \
  template <>                                \
  struct DTypeOf<T> {                        \
    static constexpr DType value = DType::e; \
  };
TENSORD_FORALL_DTYPES(TENSORD_DTYPE_OF)
#undef TENSORD_DTYPE_OF

// Bytes per element.
constexpr int64_t ItemSize(DType t) {
  switch (t) {
#define TENSORD_DTYPE_SIZE(e, T, n, s, w) \
  case DType::e:                          \
    return sizeof(T);
    TENSORD_FORALL_DTYPES(TENSORD_DTYPE_SIZE)
#undef TENSORD_DTYPE_SIZE
  }
  return 0;
}

// "float32" etc. (torch prints "torch.float32").
constexpr const char* DTypeName(DType t) {
  switch (t) {
#define TENSORD_DTYPE_NAME(e, T, n, s, w) \
  case DType::e:                          \
    return n;
    TENSORD_FORALL_DTYPES(TENSORD_DTYPE_NAME)
#undef TENSORD_DTYPE_NAME
  }
  return "?";
}

// "Float", "Long", ... as in torch's error messages ("Got: Long").
constexpr const char* DTypeShortName(DType t) {
  switch (t) {
#define TENSORD_DTYPE_SHORT(e, T, n, s, w) \
  case DType::e:                           \
    return s;
    TENSORD_FORALL_DTYPES(TENSORD_DTYPE_SHORT)
#undef TENSORD_DTYPE_SHORT
  }
  return "?";
}

// A floating-point value converted to the integer type I as x86's cvtt*
// instructions (and so PyTorch on x86) convert it: truncated toward zero,
// and I's minimum for NaN and for values outside I's range, where a plain
// static_cast is undefined behaviour.
//   FloatToInt<int64_t>(-2.7) == -2;  FloatToInt<int32_t>(1e10) == INT32_MIN
template <typename I, typename F>
constexpr I FloatToInt(F v) {
  static_assert(std::is_integral_v<I> && std::is_signed_v<I> &&
                std::is_floating_point_v<F>);
  constexpr F kLow = static_cast<F>(std::numeric_limits<I>::min());  // -2^k
  if (!(v >= kLow && v < -kLow)) return std::numeric_limits<I>::min();
  return static_cast<I>(v);
}

// Parses "float32", "torch.float32" and torch's aliases ("float", "long",
// "double", "int", "cfloat"). Returns false if unknown.
bool ParseDType(absl::string_view name, DType* out);

constexpr bool IsFloating(DType t) {
  return t == DType::kFloat32 || t == DType::kFloat64 || t == DType::kFloat16 ||
         t == DType::kBFloat16;
}
constexpr bool IsComplex(DType t) {
  return t == DType::kComplex64 || t == DType::kComplex128;
}
// The real dtype of a complex one's parts (float32 for complex64, float64
// for complex128); t itself for the others.
constexpr DType ToRealDType(DType t) {
  return t == DType::kComplex64    ? DType::kFloat32
         : t == DType::kComplex128 ? DType::kFloat64
                                   : t;
}
// The complex dtype whose parts are t (float64 -> complex128, float32 and
// the 16-bit floats -> complex64); t itself if already complex.
constexpr DType ToComplexDType(DType t) {
  return t == DType::kFloat64 || t == DType::kComplex128 ? DType::kComplex128
                                                         : DType::kComplex64;
}
constexpr bool IsIntegral(DType t, bool include_bool) {
  return t == DType::kInt32 || t == DType::kInt64 || t == DType::kInt8 ||
         t == DType::kUInt8 || t == DType::kInt16 ||
         (include_bool && t == DType::kBool);
}

// The storage-only dtypes: float16, bfloat16, int8, uint8 and int16. No
// kernel sees them; RunOp computes in ComputeDType(t) and rounds back.
constexpr bool IsStorageOnly(DType t) {
  return t == DType::kFloat16 || t == DType::kBFloat16 || t == DType::kInt8 ||
         t == DType::kUInt8 || t == DType::kInt16;
}
// float32 for the 16-bit floats, int32 for the small integers (whose
// wrap-around then agrees: integer arithmetic modulo 2^32 truncated to 8
// or 16 bits is arithmetic modulo 2^8 or 2^16); t itself otherwise.
constexpr DType ComputeDType(DType t) {
  return t == DType::kFloat16 || t == DType::kBFloat16 ? DType::kFloat32
         : IsStorageOnly(t)                            ? DType::kInt32
                                                       : t;
}
// Floating or complex: the dtypes that can require grad.
constexpr bool IsDifferentiable(DType t) {
  return IsFloating(t) || IsComplex(t);
}

// The type category used by promotion: bool < integral < floating < complex.
constexpr int Category(DType t) {
  return t == DType::kBool      ? 0
         : IsIntegral(t, false) ? 1
         : IsFloating(t)        ? 2
                                : 3;
}

// PyTorch's promote_types for two dtypes. A complex dtype with a float
// dtype wider than its parts widens (complex64 with float64 is complex128).
constexpr DType PromoteTypes(DType a, DType b) {
  if (a == b) return a;
  const int ca = Category(a), cb = Category(b);
  if (ca != cb) {
    DType hi = ca > cb ? a : b;
    DType lo = ca > cb ? b : a;
    if (hi == DType::kComplex64 && lo == DType::kFloat64) {
      return DType::kComplex128;
    }
    return hi;
  }
  // The two pairs whose common type is wider than both.
  auto pair = [&](DType x, DType y) {
    return (a == x && b == y) || (a == y && b == x);
  };
  if (pair(DType::kFloat16, DType::kBFloat16)) return DType::kFloat32;
  if (pair(DType::kInt8, DType::kUInt8)) return DType::kInt16;
  return ItemSize(a) >= ItemSize(b) ? a : b;
}

// torch.get_default_dtype() for the op being run: the dtype of floats made
// without a dtype (zeros, rand, tensors of Python floats) and of float
// results of integer inputs (true division, exp, mean, ...). float32
// unless a DefaultFloatGuard says otherwise (the server sets one per node
// from OpNode.default_dtype, float32 or float64). Per thread.
DType DefaultFloat();
class DefaultFloatGuard {
 public:
  explicit DefaultFloatGuard(DType t);
  ~DefaultFloatGuard();
  DefaultFloatGuard(const DefaultFloatGuard&) = delete;
  DefaultFloatGuard& operator=(const DefaultFloatGuard&) = delete;

 private:
  DType prev_;
};

}  // namespace tensord

namespace tensord {

template <typename T>
struct TypeTag {
  using type = T;
};

// Calls f(TypeTag<T>{}) with the C++ type T of `t`, for every dtype: the
// one switch over dtypes, generated from the list. For code that converts
// and moves values (copies, printing, the wire), not for kernels.
template <typename F>
void DispatchStorage(DType t, F&& f) {
  switch (t) {
#define TENSORD_DISPATCH_CASE(e, CT, n, s, w) \
  case DType::e:                              \
    f(TypeTag<CT>{});                         \
    break;
    TENSORD_FORALL_DTYPES(TENSORD_DISPATCH_CASE)
#undef TENSORD_DISPATCH_CASE
  }
}

// Thrown when a storage-only dtype reaches a kernel: a bug (RunOp converts
// them first), which RunOp turns into INTERNAL for that one op.
void ThrowStorageOnly(DType t);

// DispatchStorage for the compute dtypes: kernels are instantiated for
// these six only.
template <typename F>
void DispatchAll(DType t, F&& f) {
  if (IsStorageOnly(t)) ThrowStorageOnly(t);
  DispatchStorage(t, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (!kIsReduced<T> && !std::is_same_v<T, int8_t> &&
                  !std::is_same_v<T, uint8_t> && !std::is_same_v<T, int16_t>) {
      f(tag);
    }
  });
}

// Converts between any two element types as PyTorch does on x86: through
// float for the 16-bit floats, the real part of complex values, floats to
// integers truncated toward zero through int32 for the small integers (as
// the hardware does it; never undefined behaviour), integers wrapping.
template <typename To, typename From>
inline To ConvertValue(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (kIsReduced<From>) {
    return ConvertValue<To>(static_cast<float>(v));
  } else if constexpr (kIsComplex<From>) {
    if constexpr (std::is_same_v<To, bool>) {
      return v != From(0, 0);
    } else if constexpr (kIsComplex<To>) {
      using R = typename To::value_type;
      return To(static_cast<R>(v.real()), static_cast<R>(v.imag()));
    } else {
      return ConvertValue<To>(v.real());
    }
  } else if constexpr (kIsComplex<To>) {
    using R = typename To::value_type;
    return To(static_cast<R>(v), R(0));
  } else if constexpr (kIsReduced<To>) {
    return To(static_cast<float>(v));
  } else if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_integral_v<To> &&
                       std::is_floating_point_v<From>) {
    if constexpr (sizeof(To) < 4) {
      return static_cast<To>(FloatToInt<int32_t>(v));  // wraps, defined
    } else {
      return FloatToInt<To>(v);  // NaN, inf, 1e30: defined
    }
  } else {
    return static_cast<To>(v);
  }
}

}  // namespace tensord

// Runs BODY (inside a generic lambda, so `if constexpr` discards branches
// that do not compile for a type) with the C++ type of DTYPE bound to T.
// BODY may `return;` to leave early; it cannot return from the caller.
#define TENSORD_DISPATCH_ALL(DTYPE, T, ...)                \
  ::tensord::DispatchAll((DTYPE), [&](auto tensord_tag_) { \
    using T = typename decltype(tensord_tag_)::type;       \
    __VA_ARGS__;                                           \
  })

// Real (non-complex) dtypes only; BODY does not run for complex.
#define TENSORD_DISPATCH_REAL(DTYPE, T, ...)               \
  ::tensord::DispatchAll((DTYPE), [&](auto tensord_tag_) { \
    using T = typename decltype(tensord_tag_)::type;       \
    if constexpr (!::tensord::kIsComplex<T>) {             \
      __VA_ARGS__;                                         \
    }                                                      \
  })

// float32 and float64 only.
#define TENSORD_DISPATCH_FLOATING(DTYPE, T, ...)           \
  ::tensord::DispatchAll((DTYPE), [&](auto tensord_tag_) { \
    using T = typename decltype(tensord_tag_)::type;       \
    if constexpr (std::is_floating_point_v<T>) {           \
      __VA_ARGS__;                                         \
    }                                                      \
  })

#endif  // TENSORD_CORE_DTYPE_H_
