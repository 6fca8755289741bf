;; SIMD kernels of INT8 per-row quantization, on float32 values and int8 codes in this module's
;; memory. The caller lays the buffers out (see int8-simd.ts) and passes byte offsets. Values
;; are little-endian float32, codes are int8, and neither needs any alignment.
;;
;; Compiled to int8-module.ts by `npm run build:wasm` (scripts/build-wasm.ts).
(module
  ;; One 64 KiB page. The module has no memory.grow, and the caller never grows it.
  (memory (export "memory") 1)

  ;; Returns the largest `bits & 0x7fffffff` over the `count` float32 bit patterns at byte offset
  ;; `source`, as a non-negative int32 (0 when `count` is 0). The result is the bit pattern of the
  ;; largest magnitude, and it is at least 0x7f800000 exactly when a value is Infinity or NaN.
  (func (export "maxMagnitudeBits") (param $source i32) (param $count i32) (result i32)
    (local $end i32)
    (local $vectorEnd i32)
    (local $mask v128)
    (local $max0 v128)
    (local $max1 v128)
    (local $max2 v128)
    (local $max3 v128)
    (local $max i32)
    (local $magnitude i32)
    (local.set $end (i32.add (local.get $source) (i32.shl (local.get $count) (i32.const 2))))
    ;; 16 values (64 bytes) per step, in four independent running maxima.
    (local.set $vectorEnd
      (i32.add (local.get $source) (i32.shl (i32.and (local.get $count) (i32.const -16)) (i32.const 2))))
    (local.set $mask (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $source) (local.get $vectorEnd)))
        (local.set $max0 (i32x4.max_u (local.get $max0)
          (v128.and (v128.load offset=0 align=1 (local.get $source)) (local.get $mask))))
        (local.set $max1 (i32x4.max_u (local.get $max1)
          (v128.and (v128.load offset=16 align=1 (local.get $source)) (local.get $mask))))
        (local.set $max2 (i32x4.max_u (local.get $max2)
          (v128.and (v128.load offset=32 align=1 (local.get $source)) (local.get $mask))))
        (local.set $max3 (i32x4.max_u (local.get $max3)
          (v128.and (v128.load offset=48 align=1 (local.get $source)) (local.get $mask))))
        (local.set $source (i32.add (local.get $source) (i32.const 64)))
        (br $vectors)))
    ;; Reduce the 16 lanes to one maximum.
    (local.set $max0 (i32x4.max_u
      (i32x4.max_u (local.get $max0) (local.get $max1))
      (i32x4.max_u (local.get $max2) (local.get $max3))))
    (local.set $max0 (i32x4.max_u (local.get $max0)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $max0) (local.get $max0))))
    (local.set $max0 (i32x4.max_u (local.get $max0)
      (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $max0) (local.get $max0))))
    (local.set $max (i32x4.extract_lane 0 (local.get $max0)))
    ;; The last `count % 16` values, one at a time.
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $source) (local.get $end)))
        (local.set $magnitude (i32.and (i32.load align=1 (local.get $source)) (i32.const 0x7fffffff)))
        (local.set $max (select (local.get $magnitude) (local.get $max)
          (i32.gt_u (local.get $magnitude) (local.get $max))))
        (local.set $source (i32.add (local.get $source) (i32.const 4)))
        (br $tail)))
    (local.get $max))

  ;; Writes `count` int8 codes at byte offset `target` for the `count` float32 values at byte
  ;; offset `source`: code = clamp(round_half_even(float32(x * inverseScale)), -127, 127). The
  ;; product is rounded to float32 once, as Math.fround of the exact double product is. A NaN
  ;; product, which only 0 * Infinity gives, becomes code 0. The two ranges must not overlap.
  (func (export "encode") (param $source i32) (param $target i32) (param $count i32) (param $inverseScale f32)
    (local $end i32)
    (local $vectorEnd i32)
    (local $factor v128)
    (local $code i32)
    (local.set $end (i32.add (local.get $source) (i32.shl (local.get $count) (i32.const 2))))
    ;; 16 values per step: 4 x f32x4 products, rounded half to even, converted with saturation to
    ;; i32x4, then narrowed with saturation to i16x8 and to i8x16. Saturation gives -128 for
    ;; -Infinity (an inverse scale that overflowed float32), so the minimum is raised to -127.
    (local.set $vectorEnd
      (i32.add (local.get $source) (i32.shl (i32.and (local.get $count) (i32.const -16)) (i32.const 2))))
    (local.set $factor (f32x4.splat (local.get $inverseScale)))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $source) (local.get $vectorEnd)))
        (v128.store align=1 (local.get $target)
          (i8x16.max_s
            (i8x16.narrow_i16x8_s
              (i16x8.narrow_i32x4_s
                (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul
                  (v128.load offset=0 align=1 (local.get $source)) (local.get $factor))))
                (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul
                  (v128.load offset=16 align=1 (local.get $source)) (local.get $factor)))))
              (i16x8.narrow_i32x4_s
                (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul
                  (v128.load offset=32 align=1 (local.get $source)) (local.get $factor))))
                (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul
                  (v128.load offset=48 align=1 (local.get $source)) (local.get $factor))))))
            (v128.const i8x16 -127 -127 -127 -127 -127 -127 -127 -127 -127 -127 -127 -127 -127 -127 -127 -127)))
        (local.set $source (i32.add (local.get $source) (i32.const 64)))
        (local.set $target (i32.add (local.get $target) (i32.const 16)))
        (br $vectors)))
    ;; The last `count % 16` values, one at a time, with the same rounding and clamping.
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $source) (local.get $end)))
        (local.set $code (i32.trunc_sat_f32_s (f32.nearest
          (f32.mul (f32.load align=1 (local.get $source)) (local.get $inverseScale)))))
        (local.set $code (select (local.get $code) (i32.const -127) (i32.gt_s (local.get $code) (i32.const -127))))
        (local.set $code (select (local.get $code) (i32.const 127) (i32.lt_s (local.get $code) (i32.const 127))))
        (i32.store8 (local.get $target) (local.get $code))
        (local.set $source (i32.add (local.get $source) (i32.const 4)))
        (local.set $target (i32.add (local.get $target) (i32.const 1)))
        (br $tail))))
)
