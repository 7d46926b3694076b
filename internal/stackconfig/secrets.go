package stackconfig

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
)

// ErrIncorrectPassphrase is returned, wrapped, when the passphrase does not
// decrypt the stack's encryptionsalt.
var ErrIncorrectPassphrase = errors.New("incorrect passphrase")

// passphraseCheck is the plaintext that the passphrase secrets provider
// encrypts into the stack's encryptionsalt to check a passphrase.
const passphraseCheck = "pulumi"

// passphraseDecrypter returns the decrypter of the passphrase secrets
// provider for a stack whose `encryptionsalt` is state
// ("v1:<base64 salt>:<encrypted check>"), as the Pulumi CLI builds it: a key
// derived from the passphrase and salt, checked by decrypting the check
// value.
func passphraseDecrypter(phrase, state string) (config.Decrypter, error) {
	parts := strings.SplitN(state, ":", 3)
	if len(parts) != 3 {
		return nil, errors.New("malformed encryptionsalt")
	}
	if parts[0] != "v1" {
		return nil, fmt.Errorf("unknown encryptionsalt version %q", parts[0])
	}
	salt, err := base64.StdEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("malformed encryptionsalt: %w", err)
	}
	c := config.NewSymmetricCrypterFromPassphrase(phrase, salt)
	got, err := c.DecryptValue(context.Background(), parts[2])
	if err != nil || got != passphraseCheck {
		return nil, ErrIncorrectPassphrase
	}
	return c, nil
}

// NewEncryptionSalt returns a new `encryptionsalt` value for phrase and the
// crypter that encrypts secure values with it, as `pulumi stack init
// --secrets-provider passphrase` does. salt must be random; the CLI uses 8
// bytes. It exists for tests and tooling that write stack files.
func NewEncryptionSalt(phrase string, salt []byte) (string, config.Crypter, error) {
	c := config.NewSymmetricCrypterFromPassphrase(phrase, salt)
	check, err := c.EncryptValue(context.Background(), passphraseCheck)
	if err != nil {
		return "", nil, fmt.Errorf("encrypting passphrase check: %w", err)
	}
	return "v1:" + base64.StdEncoding.EncodeToString(salt) + ":" + check, c, nil
}
