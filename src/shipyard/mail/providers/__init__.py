"""Mail backends that send through a provider's API: AWS SES (v2), SendGrid, Resend and
Postmark. The three JSON APIs share :class:`HttpApiMailer`; SES goes through boto3."""

from shipyard.mail.providers.http import HttpApiMailer
from shipyard.mail.providers.postmark import PostmarkMailer
from shipyard.mail.providers.resend import ResendMailer
from shipyard.mail.providers.sendgrid import SendgridMailer
from shipyard.mail.providers.ses import SesMailer

__all__ = ["HttpApiMailer", "PostmarkMailer", "ResendMailer", "SendgridMailer", "SesMailer"]
