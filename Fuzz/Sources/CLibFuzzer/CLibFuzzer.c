// The declaration of libFuzzer's driver lives in include/CLibFuzzer.h; libFuzzer itself comes with -sanitize=fuzzer.
