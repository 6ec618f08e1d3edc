package dev.vigil.scan;

import dev.vigil.api.ImageReportStatus.SignatureInfo;
import dev.vigil.signature.SignatureResult;
import java.time.temporal.ChronoUnit;

/** Maps a verification result onto the ImageReport's `status.signature`. */
public final class SignatureInfos {

  private SignatureInfos() {}

  public static SignatureInfo from(SignatureResult result) {
    SignatureInfo info = new SignatureInfo();
    info.status = switch (result.status()) {
      case Verified -> SignatureInfo.Status.Verified;
      case Unsigned -> SignatureInfo.Status.Unsigned;
      case Invalid -> SignatureInfo.Status.Invalid;
      case Error -> SignatureInfo.Status.Error;
    };
    info.authority = result.authority();
    info.identity = result.identity();
    info.issuer = result.issuer();
    info.verifiedAt = result.verifiedAt() == null ? null
        : result.verifiedAt().truncatedTo(ChronoUnit.SECONDS).toString();
    info.reason = info.status == SignatureInfo.Status.Verified ? null : result.reason();
    return info;
  }

  /** For images no policy asks to be signed. */
  public static SignatureInfo notRequired() {
    SignatureInfo info = new SignatureInfo();
    info.status = SignatureInfo.Status.NotRequired;
    return info;
  }
}
