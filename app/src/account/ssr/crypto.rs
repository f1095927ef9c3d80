//! Small, reviewed building blocks: random tokens, SHA-256, AES-256-GCM for
//! third-party tokens at rest, and the key that encrypts browser cookies.
//! All from `ring`; no hand-rolled primitives.
//!
//! Keys are derived from the configured encryption key with HKDF-SHA256,
//! one per purpose. A sealed value is bound to the row it belongs to
//! (associated data), so a sealed token copied into another row does not
//! open. Values sealed before that (no `v2.` prefix) still open with the
//! earlier key derivation and are re-sealed the next time they are written.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD as B64, Engine};
use ring::{
    aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN},
    digest, hkdf,
    rand::{SecureRandom, SystemRandom},
};
use secrecy::{ExposeSecret, SecretString};

/// `bytes` of randomness, base64url without padding.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    SystemRandom::new().fill(&mut buf).expect("the OS random source works");
    B64.encode(buf)
}

pub fn sha256_hex(input: &str) -> String {
    hex(digest::digest(&digest::SHA256, input.as_bytes()).as_ref())
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

/// Compare without leaking where the first difference is.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let da = digest::digest(&digest::SHA256, a);
    let db = digest::digest(&digest::SHA256, b);
    da.as_ref().iter().zip(db.as_ref()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The key material in an encryption-key setting: base64 (standard or
/// URL-safe, padded or not) or hex when it decodes as such, else the text's
/// own bytes (accepted outside production only; see the settings guard).
pub fn key_material(secret: &SecretString) -> Vec<u8> {
    decoded_key(secret.expose_secret()).unwrap_or_else(|| secret.expose_secret().as_bytes().to_vec())
}

/// The key bytes of a base64 or hex key, if it is one.
pub fn decoded_key(text: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE};
    let text = text.trim();
    if text.len().is_multiple_of(2) && text.len() >= 2 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect();
    }
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, B64].iter().find_map(|e| e.decode(text).ok())
}

struct Len(usize);

impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

/// HKDF-SHA256 of the key material for one purpose.
fn hkdf_derive(secret: &SecretString, purpose: &str, len: usize) -> Vec<u8> {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"proofolio").extract(&key_material(secret));
    let info = [purpose.as_bytes()];
    let okm = prk.expand(&info, Len(len)).expect("HKDF output length is within bounds");
    let mut out = vec![0u8; len];
    okm.fill(&mut out).expect("HKDF fill of the requested length");
    out
}

/// The derivation before HKDF, kept only to open values sealed with it.
fn legacy_derive(secret: &SecretString, purpose: &str, alg: &'static digest::Algorithm) -> Vec<u8> {
    let mut ctx = digest::Context::new(alg);
    ctx.update(purpose.as_bytes());
    ctx.update(&[0]);
    ctx.update(secret.expose_secret().as_bytes());
    ctx.finish().as_ref().to_vec()
}

/// Encrypts values stored in the database (a user's GitHub token).
pub struct Sealer {
    key: LessSafeKey,
    legacy: LessSafeKey,
}

const SEALED_V2: &str = "v2.";

#[derive(Debug, thiserror::Error)]
#[error("the stored secret could not be decrypted")]
pub struct OpenError;

impl Sealer {
    pub fn new(secret: &SecretString) -> Self {
        let aes = |bytes: &[u8]| LessSafeKey::new(UnboundKey::new(&AES_256_GCM, bytes).expect("32-byte key"));
        Self {
            key: aes(&hkdf_derive(secret, "proofolio/at-rest/v2", 32)),
            legacy: aes(&legacy_derive(secret, "proofolio/at-rest/v1", &digest::SHA256)),
        }
    }

    /// Seal `plaintext` for the row named by `row` (for example
    /// `identity:github:12345`): it opens only with the same `row`.
    pub fn seal(&self, plaintext: &str, row: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new().fill(&mut nonce).expect("the OS random source works");
        let mut in_out = plaintext.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(row.as_bytes()), &mut in_out)
            .expect("sealing cannot fail for in-memory buffers");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&in_out);
        format!("{SEALED_V2}{}", B64.encode(out))
    }

    pub fn open(&self, sealed: &str, row: &str) -> Result<String, OpenError> {
        let (key, aad, encoded) = match sealed.strip_prefix(SEALED_V2) {
            Some(rest) => (&self.key, Aad::from(row.as_bytes()), rest),
            None => (&self.legacy, Aad::from(&b""[..]), sealed),
        };
        let bytes = B64.decode(encoded).map_err(|_| OpenError)?;
        if bytes.len() < NONCE_LEN {
            return Err(OpenError);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| OpenError)?;
        let mut in_out = ciphertext.to_vec();
        let plain = key.open_in_place(nonce, aad, &mut in_out).map_err(|_| OpenError)?;
        String::from_utf8(plain.to_vec()).map_err(|_| OpenError)
    }
}

/// 64 bytes for the cookie jar's encryption and signing keys.
pub fn cookie_key(secret: &SecretString) -> axum_extra::extract::cookie::Key {
    axum_extra::extract::cookie::Key::from(&hkdf_derive(secret, "proofolio/cookies/v2", 64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_the_same_key_and_row() {
        let a = Sealer::new(&SecretString::from("key-a"));
        let b = Sealer::new(&SecretString::from("key-b"));
        let row = "identity:github:1";
        let sealed = a.seal("gho_secret_token", row);
        assert!(!sealed.contains("gho_secret_token"));
        assert_ne!(sealed, a.seal("gho_secret_token", row), "fresh nonce each time");
        assert_eq!(a.open(&sealed, row).unwrap(), "gho_secret_token");
        assert!(b.open(&sealed, row).is_err());
        assert!(a.open(&sealed, "identity:github:2").is_err(), "moved to another row: does not open");
        assert!(a.open("garbage", row).is_err());
    }

    #[test]
    fn values_sealed_before_hkdf_still_open() {
        let secret = SecretString::from("key-a");
        let legacy = LessSafeKey::new(
            UnboundKey::new(&AES_256_GCM, &legacy_derive(&secret, "proofolio/at-rest/v1", &digest::SHA256)).unwrap(),
        );
        let nonce = [7u8; NONCE_LEN];
        let mut in_out = b"gho_old".to_vec();
        legacy.seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut in_out).unwrap();
        let old = B64.encode([nonce.to_vec(), in_out].concat());
        assert_eq!(Sealer::new(&secret).open(&old, "identity:github:1").unwrap(), "gho_old");
    }

    #[test]
    fn keys_are_read_as_base64_or_hex() {
        assert_eq!(decoded_key(&"ab".repeat(32)).unwrap().len(), 32);
        assert_eq!(decoded_key(&B64.encode([1u8; 32])).unwrap().len(), 32);
        assert_eq!(decoded_key(&base64::engine::general_purpose::STANDARD.encode([250u8; 33])).unwrap().len(), 33);
        assert!(decoded_key("not a key!").is_none());
        assert!(constant_time_eq(b"abc", b"abc") && !constant_time_eq(b"abc", b"abd"));
    }

    #[test]
    fn random_tokens_carry_enough_entropy() {
        let t = random_token(32);
        assert_eq!(t.len(), 43, "256 bits, base64url");
        assert_ne!(t, random_token(32));
    }
}
