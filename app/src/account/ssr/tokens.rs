//! Access tokens: EdDSA (Ed25519) JWTs with a `kid`, at most 15 minutes.
//! Verification pins the algorithm and looks the key up by `kid`, so a token
//! signed with another key, with `alg: none`, or HS256 with our public key
//! as the secret is refused.

use jsonwebtoken::{decode, decode_header, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use ring::signature::{Ed25519KeyPair, KeyPair};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub const ACCESS_TTL_SECS: i64 = 15 * 60;
pub const AUDIENCE: &str = "proofolio";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The session (refresh-token family) this token belongs to.
    pub sid: String,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

pub struct TokenKeys {
    kid: String,
    encoding: EncodingKey,
    decoding: HashMap<String, DecodingKey>,
    issuer: String,
    /// The public key, for a JWKS document.
    public_key: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("PROOFOLIO__AUTH__SIGNING_KEY must be an Ed25519 private key in PKCS#8 PEM (openssl genpkey -algorithm ed25519): {0}")]
    Invalid(String),
}

impl TokenKeys {
    /// From a PEM in configuration, or a fresh key pair when `None`.
    pub fn new(pem: Option<&SecretString>, issuer: impl Into<String>) -> Result<Self, KeyError> {
        let pkcs8 = match pem {
            Some(pem) => {
                let parsed = pem::parse(pem.expose_secret().trim()).map_err(|e| KeyError::Invalid(e.to_string()))?;
                parsed.contents().to_vec()
            }
            None => Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new())
                .map_err(|_| KeyError::Invalid("key generation failed".into()))?
                .as_ref()
                .to_vec(),
        };
        let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&pkcs8).map_err(|e| KeyError::Invalid(e.to_string()))?;
        let public_key = pair.public_key().as_ref().to_vec();
        let kid = super::crypto::sha256_hex(&public_key.iter().map(|b| format!("{b:02x}")).collect::<String>())[..16]
            .to_string();
        let mut decoding = HashMap::new();
        decoding.insert(kid.clone(), DecodingKey::from_ed_der(&public_key));
        Ok(Self { kid, encoding: EncodingKey::from_ed_der(&pkcs8), decoding, issuer: issuer.into(), public_key })
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn public_key(&self) -> &[u8] {
        &self.public_key
    }

    pub fn issue(&self, user_id: &str, session_id: &str) -> String {
        let now = chrono::Utc::now().timestamp();
        self.issue_at(user_id, session_id, now, now + ACCESS_TTL_SECS)
    }

    /// Explicit times, for tests of expiry.
    pub fn issue_at(&self, user_id: &str, session_id: &str, iat: i64, exp: i64) -> String {
        let claims = Claims {
            sub: user_id.into(),
            sid: session_id.into(),
            iat,
            exp,
            iss: self.issuer.clone(),
            aud: AUDIENCE.into(),
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        encode(&header, &claims, &self.encoding).expect("Ed25519 signing cannot fail")
    }

    /// The claims of a valid token, or `None`: never says why to the caller.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let header = decode_header(token).ok()?;
        if header.alg != Algorithm::EdDSA {
            return None;
        }
        let key = self.decoding.get(header.kid.as_deref()?)?;
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.algorithms = vec![Algorithm::EdDSA];
        validation.leeway = 5;
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        decode::<Claims>(token, key, &validation).ok().map(|d| d.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD as B64, Engine};

    fn keys() -> TokenKeys {
        TokenKeys::new(None, "http://proofolio.test").unwrap()
    }

    #[test]
    fn a_fresh_token_verifies_and_carries_its_claims() {
        let k = keys();
        let claims = k.verify(&k.issue("u1", "s1")).unwrap();
        assert_eq!((claims.sub.as_str(), claims.sid.as_str(), claims.aud.as_str()), ("u1", "s1", AUDIENCE));
        assert!(claims.exp - claims.iat <= 15 * 60);
    }

    #[test]
    fn expired_foreign_unsigned_and_confused_tokens_are_refused() {
        let k = keys();
        let now = chrono::Utc::now().timestamp();
        assert!(k.verify(&k.issue_at("u1", "s1", now - 3600, now - 60)).is_none(), "expired");
        assert!(k.verify(&keys().issue("u1", "s1")).is_none(), "another key");

        let payload = B64.encode(
            serde_json::json!({"sub":"u1","sid":"s1","iat":now,"exp":now+600,"iss":"http://proofolio.test","aud":AUDIENCE})
                .to_string(),
        );
        let none = format!("{}.{}.", B64.encode(r#"{"alg":"none","typ":"JWT"}"#), payload);
        assert!(k.verify(&none).is_none(), "alg none");

        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(k.kid().to_string());
        let claims = Claims {
            sub: "u1".into(),
            sid: "s1".into(),
            iat: now,
            exp: now + 600,
            iss: "http://proofolio.test".into(),
            aud: AUDIENCE.into(),
        };
        let hs = encode(&header, &claims, &EncodingKey::from_secret(k.public_key())).unwrap();
        assert!(k.verify(&hs).is_none(), "HS256 with the public key as secret");
    }

    #[test]
    fn a_configured_pem_key_is_used() {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).unwrap();
        let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", pkcs8.as_ref().to_vec()));
        let a = TokenKeys::new(Some(&SecretString::from(pem.clone())), "i").unwrap();
        let b = TokenKeys::new(Some(&SecretString::from(pem)), "i").unwrap();
        assert_eq!(a.kid(), b.kid());
        assert!(b.verify(&a.issue("u", "s")).is_some());
        assert!(TokenKeys::new(Some(&SecretString::from("not a key")), "i").is_err());
    }
}
