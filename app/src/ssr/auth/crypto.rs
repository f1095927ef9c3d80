//! Small, reviewed building blocks: random tokens, SHA-256, AES-256-GCM for
//! third-party tokens at rest, and the key that encrypts browser cookies.
//! All from `ring`; no hand-rolled primitives.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD as B64, Engine};
use ring::{
    aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN},
    digest,
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
    digest::digest(&digest::SHA256, input.as_bytes()).as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn derive(secret: &SecretString, purpose: &str, alg: &'static digest::Algorithm) -> Vec<u8> {
    let mut ctx = digest::Context::new(alg);
    ctx.update(purpose.as_bytes());
    ctx.update(&[0]);
    ctx.update(secret.expose_secret().as_bytes());
    ctx.finish().as_ref().to_vec()
}

/// Encrypts values stored in the database (a user's GitHub token).
pub struct Sealer {
    key: LessSafeKey,
}

#[derive(Debug, thiserror::Error)]
#[error("the stored secret could not be decrypted")]
pub struct OpenError;

impl Sealer {
    pub fn new(secret: &SecretString) -> Self {
        let key_bytes = derive(secret, "proofolio/at-rest/v1", &digest::SHA256);
        let key = UnboundKey::new(&AES_256_GCM, &key_bytes).expect("32-byte key");
        Self { key: LessSafeKey::new(key) }
    }

    pub fn seal(&self, plaintext: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new().fill(&mut nonce).expect("the OS random source works");
        let mut in_out = plaintext.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut in_out)
            .expect("sealing cannot fail for in-memory buffers");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&in_out);
        B64.encode(out)
    }

    pub fn open(&self, sealed: &str) -> Result<String, OpenError> {
        let bytes = B64.decode(sealed).map_err(|_| OpenError)?;
        if bytes.len() < NONCE_LEN {
            return Err(OpenError);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| OpenError)?;
        let mut in_out = ciphertext.to_vec();
        let plain = self.key.open_in_place(nonce, Aad::empty(), &mut in_out).map_err(|_| OpenError)?;
        String::from_utf8(plain.to_vec()).map_err(|_| OpenError)
    }
}

/// 64 bytes for the cookie jar's encryption and signing keys.
pub fn cookie_key(secret: &SecretString) -> axum_extra::extract::cookie::Key {
    axum_extra::extract::cookie::Key::from(&derive(secret, "proofolio/cookies/v1", &digest::SHA512))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_the_same_key() {
        let a = Sealer::new(&SecretString::from("key-a"));
        let b = Sealer::new(&SecretString::from("key-b"));
        let sealed = a.seal("gho_secret_token");
        assert!(!sealed.contains("gho_secret_token"));
        assert_ne!(sealed, a.seal("gho_secret_token"), "fresh nonce each time");
        assert_eq!(a.open(&sealed).unwrap(), "gho_secret_token");
        assert!(b.open(&sealed).is_err());
        assert!(a.open("garbage").is_err());
    }

    #[test]
    fn random_tokens_carry_enough_entropy() {
        let t = random_token(32);
        assert_eq!(t.len(), 43, "256 bits, base64url");
        assert_ne!(t, random_token(32));
    }
}
