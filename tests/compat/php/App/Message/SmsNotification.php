<?php
// The message of Symfony's documentation; serialized by the ObjectNormalizer through its
// getters as {"phoneNumber":"…","content":"…"} and built again through the constructor.
namespace App\Message;

final class SmsNotification
{
    private string $phoneNumber;
    private string $content;

    public function __construct(string $phoneNumber, string $content)
    {
        $this->phoneNumber = $phoneNumber;
        $this->content = $content;
    }

    public function getPhoneNumber(): string
    {
        return $this->phoneNumber;
    }

    public function getContent(): string
    {
        return $this->content;
    }
}
