package dev.vigil.testsupport;

import dev.vigil.registry.MediaTypes;

/** Which family of media types a test image's manifest, config and layers use. */
public enum ImageFormat {
  OCI,
  DOCKER;

  String manifestMediaType() {
    return this == OCI ? MediaTypes.OCI_MANIFEST : MediaTypes.DOCKER_MANIFEST;
  }

  String indexMediaType() {
    return this == OCI ? MediaTypes.OCI_INDEX : MediaTypes.DOCKER_MANIFEST_LIST;
  }

  String configMediaType() {
    return this == OCI ? MediaTypes.OCI_CONFIG : MediaTypes.DOCKER_CONFIG;
  }

  String layerMediaType(Compression compression) {
    switch (compression) {
      case NONE:
        return this == OCI ? MediaTypes.OCI_LAYER : MediaTypes.DOCKER_LAYER;
      case GZIP:
        return this == OCI ? MediaTypes.OCI_LAYER_GZIP : MediaTypes.DOCKER_LAYER_GZIP;
      case ZSTD:
        return this == OCI ? MediaTypes.OCI_LAYER_ZSTD : MediaTypes.DOCKER_LAYER_ZSTD;
      default:
        throw new IllegalArgumentException(String.valueOf(compression));
    }
  }
}
