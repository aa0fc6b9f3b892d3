{
  "targets": [
    {
      "target_name": "dvp_dnnl",
      "sources": ["src/addon.cc", "src/batch-norm.cc", "src/conv.cc", "src/copy.cc", "src/cpu.cc", "src/elementwise.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O3", "-fopenmp", "-fexceptions"],
      "libraries": ["-ldnnl", "-fopenmp"],
      "ldflags": ["-Wl,-rpath,'$$ORIGIN'"]
    }
  ]
}
