--
-- crypto.aead: authenticated encryption for scripts (spec §8.2.3), over the C-level module
-- crypto_aead. The C object takes and returns AAD‖data with the AAD length apart; this wrapper
-- takes the AAD as an optional last argument and strips it from the results.
--
-- local aead = require("crypto.aead")
-- local c <close> = aead.new("gcm(aes)")
-- c:setkey(key)
-- local sealed, taglen = c:encrypt(nonce, "secret", "header")
-- assert(c:decrypt(nonce, sealed, "header") == "secret")
--

local crypto_aead = require("crypto_aead")
local sub = string.sub

local AEAD = {}
AEAD.__index = AEAD

--- A new AEAD object for the kernel algorithm `algname` (e.g. "gcm(aes)").
function AEAD.new(algname)
	return setmetatable({tfm = crypto_aead.new(algname)}, AEAD)
end

--- Releases the transform now; later calls are harmless (the object is closed once).
function AEAD:close()
	local tfm = self.tfm
	if tfm then
		self.tfm = nil
		tfm:__close()
	end
end

AEAD.__gc = AEAD.close
AEAD.__close = AEAD.close

function AEAD:setkey(key)
	return self.tfm:setkey(key)
end

function AEAD:setauthsize(size)
	return self.tfm:setauthsize(size)
end

function AEAD:ivsize()
	return self.tfm:ivsize()
end

function AEAD:authsize()
	return self.tfm:authsize()
end

--- Returns ciphertext‖tag and the tag length.
function AEAD:encrypt(nonce, plaintext, aad)
	aad = aad or ""
	local out = self.tfm:encrypt(nonce, aad .. plaintext, #aad)
	return sub(out, #aad + 1), self.tfm:authsize()
end

--- Returns the plaintext; a wrong tag raises "crypto operation failed with error code 74".
function AEAD:decrypt(nonce, ciphertext, aad)
	aad = aad or ""
	local out = self.tfm:decrypt(nonce, aad .. ciphertext, #aad)
	return sub(out, #aad + 1)
end

return AEAD
